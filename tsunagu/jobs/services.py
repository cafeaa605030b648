"""Starting background jobs and running them on a worker.

One way in for every domain: ``enqueue(kind, "dotted.path.to.function", user=…, **kwargs)`` records a Job and
puts it on the queue (huey: SQLite file by default, Redis when REDIS_URL is set; settings.HUEY). A worker calls

    function(user=<the job's creator>, request=<a stand-in for the request that started it, or None>,
             report_progress=<callable(done, total, message="")>, **kwargs)

The function keeps its domain's rules in its domain's services (views stay thin, the policy is asked there) and
returns a JobOutcome (a message, a page to open, a file) or raises JobFailed with a message for the user. Its
writes are one transaction, so a worker killed in the middle leaves nothing half-applied; the job is then marked
interrupted once its heartbeat is older than TSUNAGU_JOB_STALE_SECONDS (docs/deploy.md, "Jobs")."""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import HUEY

from .models import FINISHED, Job, JobStatus
from .progress import progress_delete, progress_get, progress_put

logger = logging.getLogger("tsunagu.jobs")

FAILED_MESSAGE = _(
    "処理中に問題が起きたため、中止しました。もう一度お試しください。続く場合は管理者に連絡してください。"
)
INTERRUPTED_MESSAGE = _(
    "処理が途中で止まりました（処理を行うサーバーが停止しました）。途中までの変更は残っていません。"
    "もう一度実行してください。"
)
DENIED_MESSAGE = _("この処理を行う権限がありません。")
CANCELLED_MESSAGE = _("開始前に取り消しました。")

ProgressReporter = Callable[..., None]


class JobFailed(Exception):  # noqa: N818 - reads as what happened
    """Raised by a job's function with a message for the user (Japanese); nothing of the job's work stays."""

    def __init__(self, message: str) -> None:
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class JobOutcome:
    """What a finished job hands back: a sentence for the user, a page to open, and/or a file."""

    message: str = ""
    url: str = ""
    content: bytes | None = None
    filename: str = ""  # the name the user sees; a core.output.OutputFilename also brings its ASCII name
    content_type: str = ""


def enqueue(
    kind: str,
    function_path: str,
    *,
    user: Any,
    request: HttpRequest | None = None,
    input_file: File | None = None,
    **kwargs: Any,
) -> Job:
    """Record a job for ``user`` and queue it. ``kwargs`` must be JSON (ids, ISO dates, text). ``input_file`` (an
    upload) is kept in the media storage until the job ends; the function finds it as ``input_path``, a storage
    name. In immediate mode (tests) the job runs before this returns; otherwise it is queued when the current
    transaction commits, so the worker always finds the Job row."""
    import_string(function_path)  # a wrong path fails here, in the request, not later on a worker
    job = Job(
        kind=kind,
        function=function_path,
        arguments=kwargs,
        created_by=user,
        origin_ip=(request.META.get("REMOTE_ADDR") or "")[:45] if request is not None else "",
        origin_path=request.get_full_path()[:500] if request is not None else "",
    )
    if input_file is not None:
        suffix = PurePosixPath(getattr(input_file, "name", "") or "upload").suffix[:10]
        job.input_file.save(f"{job.public_id}{suffix}", input_file, save=False)
    job.save()

    from .tasks import run_job_task  # the task module imports this one

    if HUEY.immediate:
        run_job_task(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: run_job_task(job.pk))
    return job


def job_cancel(*, job: Job) -> bool:
    """Cancel a job that has not started; a running job goes on (its work is one transaction)."""
    return bool(
        Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.CANCELLED, error=str(CANCELLED_MESSAGE), finished_at=timezone.now()
        )
    )


class _Heartbeat(threading.Thread):
    """Writes the job's progress with a fresh time every few seconds while its function runs, also through one
    long SQL statement, so a live job is never taken for an interrupted one."""

    def __init__(self, job_id: int, state: dict) -> None:
        super().__init__(name=f"job-heartbeat-{job_id}", daemon=True)
        self.job_id = job_id
        self.state = state
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(settings.TSUNAGU_JOB_HEARTBEAT_SECONDS):
            try:
                progress_put(self.job_id, **self.state)
            except Exception:  # the queue's store briefly unreachable: the next beat tries again
                logger.warning("heartbeat of job %s not written", self.job_id, exc_info=True)


def _origin_request(job: Job) -> HttpRequest | None:
    """A stand-in for the request that started the job, so the audit entries its function writes carry the same
    channel, address and page as if the work had been done in that request."""
    if not job.origin_path:
        return None
    request = HttpRequest()
    request.path = request.path_info = job.origin_path.split("?", 1)[0]
    request.META["REMOTE_ADDR"] = job.origin_ip
    request.user = job.created_by
    return request


def _save_outcome(job: Job, outcome: JobOutcome | None, state: dict) -> None:
    outcome = outcome or JobOutcome()
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.progress_done, job.progress_total = state["done"] or state["total"], state["total"]
    job.message = state["message"][:200]
    job.result_message = str(outcome.message)[:500]
    job.result_url = outcome.url[:300]
    if outcome.content is not None:
        ascii_name = getattr(outcome.filename, "ascii", "") or str(outcome.filename)
        job.result_filename = str(outcome.filename)[:255]
        job.result_ascii_filename = ascii_name[:255]
        job.result_content_type = outcome.content_type[:100]
        suffix = PurePosixPath(ascii_name).suffix[:10]
        job.result_file.save(f"{job.public_id}{suffix}", ContentFile(outcome.content), save=False)
    job.save()


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=str(message), finished_at=timezone.now())


def run_job(job_id: int) -> None:
    """The worker's side: claim the job, call its function, keep what it hands back. A job already taken,
    cancelled or deleted is skipped."""
    if not Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).exists():
        return
    progress_put(job_id, done=0, total=0, message="")
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.select_related("created_by").get(pk=job_id)
    state = {"done": 0, "total": 0, "message": ""}

    def report_progress(done: int, total: int, message: str = "") -> None:
        state.update(done=int(done), total=int(total), message=str(message)[:200])
        progress_put(job_id, **state)

    heartbeat = None if HUEY.immediate else _Heartbeat(job_id, state)
    if heartbeat is not None:
        heartbeat.start()
    try:
        function = import_string(job.function)
        extra = {"input_path": job.input_file.name} if job.input_file else {}
        outcome = function(
            user=job.created_by,
            request=_origin_request(job),
            report_progress=report_progress,
            **job.arguments,
            **extra,
        )
    except JobFailed as failure:
        _fail(job, failure.message)
    except PermissionDenied:
        _fail(job, str(DENIED_MESSAGE))
    except Exception:
        logger.exception("job %s (%s, %s) failed", job.public_id, job.kind, job.function)
        _fail(job, str(FAILED_MESSAGE))
    else:
        try:
            _save_outcome(job, outcome, state)
        except Exception:
            logger.exception("job %s (%s): its result could not be kept", job.public_id, job.kind)
            _fail(job, str(FAILED_MESSAGE))
    finally:
        if heartbeat is not None:
            heartbeat.stopped.set()
            heartbeat.join()
        progress_delete(job_id)
        if job.input_file:
            Job.objects.filter(pk=job_id).update(input_file="")
            job.input_file.delete(save=False)


def jobs_mark_interrupted(*, job_ids: list[int] | None = None) -> int:
    """Mark running jobs whose worker has given no sign of life for TSUNAGU_JOB_STALE_SECONDS as failed
    (interrupted). Their function's transaction was never committed, so there is nothing to undo. Called when a
    worker starts, every minute on the workers, and when a job's page is read. Returns how many were marked."""
    running = Job.objects.filter(status=JobStatus.RUNNING)
    if job_ids is not None:
        running = running.filter(pk__in=job_ids)
    stale_before = time.time() - settings.TSUNAGU_JOB_STALE_SECONDS
    marked = 0
    for job in running.only("pk", "started_at", "public_id", "input_file"):
        progress = progress_get(job.pk)
        beat = progress.beat if progress else (job.started_at.timestamp() if job.started_at else 0)
        if beat >= stale_before:
            continue
        if not Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, error=str(INTERRUPTED_MESSAGE), finished_at=timezone.now(), input_file=""
        ):
            continue
        marked += 1
        logger.warning("job %s marked interrupted: no heartbeat since %s", job.public_id, beat)
        progress_delete(job.pk)
        if job.input_file:  # an upload holds personal data: it goes with the job
            job.input_file.delete(save=False)
    return marked


def jobs_delete_old_files(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of jobs that finished more than TSUNAGU_JOB_KEEP_DAYS ago (generated files hold personal
    data; whoever needs one again starts the job again). Returns how many files went."""
    before = (now or timezone.now()) - datetime.timedelta(days=settings.TSUNAGU_JOB_KEEP_DAYS)
    deleted = 0
    for job in Job.objects.filter(status__in=FINISHED, finished_at__lt=before).exclude(result_file=""):
        job.result_file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(result_file="")
        deleted += 1
    return deleted
