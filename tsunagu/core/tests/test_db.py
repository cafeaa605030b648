"""tsunagu.core.db: which alias report-only reads use, and migrations on the primary only."""

from tsunagu.core.db import REPLICA, PrimaryMigrationsRouter, report_db, reports
from tsunagu.people.models import Person


def test_reports_read_the_primary_unless_a_replica_is_named(settings):
    settings.TSUNAGU_REPORTS_DATABASE = "default"
    assert report_db() == "default"
    assert reports(Person.objects.all()).db == "default"

    settings.TSUNAGU_REPORTS_DATABASE = REPLICA
    assert report_db() == REPLICA
    assert reports(Person.objects.filter(pk=1)).db == REPLICA


def test_migrations_never_run_on_the_replica():
    router = PrimaryMigrationsRouter()
    assert router.allow_migrate(REPLICA, "people") is False
    assert router.allow_migrate("default", "people") is None
