"""The huey tasks (found by `manage.py run_huey`): one that runs any job, and the workers' housekeeping."""

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from .services import jobs_delete_old_files, jobs_mark_interrupted, run_job


@db_task(name="tsunagu.jobs.run")
def run_job_task(job_id: int) -> None:
    run_job(job_id)


@db_periodic_task(crontab(minute="*"), name="tsunagu.jobs.sweep")
def sweep_task() -> None:
    """Every minute: jobs whose worker stopped are marked interrupted."""
    jobs_mark_interrupted()


@db_periodic_task(crontab(minute="17", hour="3"), name="tsunagu.jobs.cleanup")
def cleanup_task() -> None:
    jobs_delete_old_files()


@HUEY.on_startup(name="tsunagu.jobs.startup")
def on_worker_startup() -> None:
    """A worker that starts (again) first marks the jobs a stopped worker left behind, once they are stale."""
    from django.db import close_old_connections

    try:
        jobs_mark_interrupted()
    finally:
        close_old_connections()
