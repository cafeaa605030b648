"""Which database a read goes to (docs/deploy.md, "Scale-out").

Report-only reads — counts and statistics that name no one, such as the home page's figures and the consent
page's table — may go to a read replica: `DATABASE_REPLICA_URL` configures the alias "replica" and then
`settings.TSUNAGU_REPORTS_DATABASE` names it. A replica runs a moment behind the primary, which a count can
afford. Everything else stays on the primary ("default"): every write, and every read of personal data, because
such a read is audited in the same request and must see what the request itself has just written."""

from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, QuerySet

REPLICA = "replica"

M = TypeVar("M", bound=Model)


def report_db() -> str:
    """The database alias for report-only reads: the replica when one is configured, else the primary."""
    return getattr(settings, "TSUNAGU_REPORTS_DATABASE", DEFAULT_DB_ALIAS)


def reports(queryset: QuerySet[M]) -> QuerySet[M]:
    """``queryset`` read from the reports' database. Only for counts and statistics that name no one."""
    return queryset.using(report_db())


class PrimaryMigrationsRouter:
    """Migrations run on the primary only: the replica receives the schema by replication."""

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool | None:
        return False if db == REPLICA else None
