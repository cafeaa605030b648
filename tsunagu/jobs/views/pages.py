"""Pages of the jobs. Only the user who started a job sees it: anyone else (and an unknown id) gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from tsunagu.core.output import OutputFilename, attachment_header

from ..models import Job, JobStatus
from ..selectors import job_for_user, jobs_of_user
from ..services import job_cancel


def _job(request: HttpRequest, public_id: str) -> Job:
    job = job_for_user(user=request.user, public_id=public_id)
    if job is None:
        raise Http404("job not found")
    return job


def _file_response(job: Job, *, streaming: bool = True) -> HttpResponse:
    if not job.result_file:
        raise Http404("no file")
    content_type = job.result_content_type or "application/octet-stream"
    if streaming:
        response = FileResponse(job.result_file.open("rb"), content_type=content_type)
    else:
        with job.result_file.open("rb") as file:
            response = HttpResponse(file.read(), content_type=content_type)
    # After construction: FileResponse names the download after the stored file (the job's id) otherwise.
    response["Content-Disposition"] = attachment_header(
        OutputFilename(job.result_filename, job.result_ascii_filename)
    )
    patch_cache_control(response, no_store=True, private=True)
    return response


def job_response(request: HttpRequest, job: Job) -> HttpResponse:
    """What a page that started a job answers: the result at once if the job already finished (immediate mode,
    or a very quick worker) — its file, or its page with its message — and otherwise the job's page, where its
    progress shows until it is done."""
    if job.status == JobStatus.DONE:
        if job.result_file:
            return _file_response(job, streaming=False)
        if job.result_url:
            if job.result_message:
                messages.success(request, job.result_message)
            return redirect(job.result_url)
    return redirect("jobs:detail", public_id=job.public_id)


@login_required
@require_GET
def job_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/list.html", {"jobs": jobs_of_user(user=request.user)})


@login_required
@require_GET
def job_detail_view(request: HttpRequest, public_id: str) -> HttpResponse:
    return render(request, "jobs/detail.html", {"job": _job(request, public_id)})


@login_required
@require_GET
def job_status_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """The progress partial; htmx asks for it every second until the job has finished. Opened as an address of
    its own (not by htmx), it is the job's whole page."""
    template = "jobs/partials/status.html" if request.htmx else "jobs/detail.html"
    return render(request, template, {"job": _job(request, public_id)})


@login_required
@require_GET
def job_download_view(request: HttpRequest, public_id: str) -> HttpResponse:
    job = _job(request, public_id)
    if job.status != JobStatus.DONE:
        raise Http404("job not done")
    return _file_response(job)


@login_required
@require_POST
def job_cancel_view(request: HttpRequest, public_id: str) -> HttpResponse:
    job = _job(request, public_id)
    job_cancel(job=job)
    return redirect("jobs:detail", public_id=job.public_id)
