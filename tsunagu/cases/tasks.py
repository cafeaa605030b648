"""The cases app's periodic work on the jobs worker (huey, `manage.py run_huey`, as tsunagu.jobs.tasks)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import outreach_flag


@db_periodic_task(crontab(minute="5"), name="tsunagu.cases.outreach_flag")
def outreach_flag_task() -> None:
    """Every hour: flag what watch-over, safety checks and declined referrals show (idempotent)."""
    outreach_flag()
