"""Reads of jobs: a user sees only the jobs they started (their files hold personal data)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from .models import Job, JobStatus
from .progress import progress_get
from .services import jobs_mark_interrupted

JOB_LIST_LIMIT = 50


def jobs_of_user(*, user: Any, limit: int = JOB_LIST_LIMIT) -> QuerySet[Job]:
    """The user's own jobs, newest first (自分の処理). Running jobs whose worker stopped are marked first."""
    running = list(Job.objects.filter(created_by=user, status=JobStatus.RUNNING).values_list("pk", flat=True))
    if running:
        jobs_mark_interrupted(job_ids=running)
    return Job.objects.filter(created_by=user).order_by("-created_at", "-pk")[:limit]


def job_for_user(*, user: Any, public_id: str | uuid.UUID) -> Job | None:
    """The job if ``user`` started it, with a running job's latest progress from the queue's store; None for
    anyone else's job and for an unknown id (the page answers both with 404)."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        return None
    job = Job.objects.filter(public_id=public_id, created_by=user).first()
    if job is None or job.status != JobStatus.RUNNING:
        return job
    if jobs_mark_interrupted(job_ids=[job.pk]):
        job.refresh_from_db()
        return job
    progress = progress_get(job.pk)
    if progress is not None:
        job.progress_done, job.progress_total, job.message = progress.done, progress.total, progress.message
    return job
