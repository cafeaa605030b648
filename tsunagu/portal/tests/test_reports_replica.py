"""Report-only reads go to the read replica when one is configured (docs/deploy.md, "Scale-out"); writes and the
audited reads of personal data stay on the primary.

The alias "replica" is a TEST MIRROR of the test database (config/settings/test.py): another connection to the
same rows, as a replica holds them. Another connection sees only committed rows, so these tests commit
(transaction=True)."""

import contextlib
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.consent.selectors import unanswered_counts_by_district
from tsunagu.core.db import REPLICA, report_db
from tsunagu.people.models import CareLevel, ConsentStatus, ResidentStatus
from tsunagu.portal.selectors import access_overview
from tsunagu.testing.factories import ConsentFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(autouse=True)
def committed(audit_triggers_off_for_flush):
    """Each test commits; the append-only audit triggers are lifted for the flush that ends it."""


@pytest.fixture
def on_replica(settings):
    settings.TSUNAGU_REPORTS_DATABASE = REPLICA


@contextlib.contextmanager
def queries() -> Iterator[SimpleNamespace]:
    """The SQL each connection ran inside the block."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        seen = SimpleNamespace()
        yield seen
    seen.primary = [q["sql"] for q in primary.captured_queries]
    seen.replica = [q["sql"] for q in replica.captured_queries]


def counts_of_persons(statements: list[str]) -> list[str]:
    return [sql for sql in statements if "COUNT(" in sql.upper() and "people_person" in sql]


def residents(ward) -> None:
    PersonFactory(town=ward.towns.a1, care_level=CareLevel.CARE_3)
    PersonFactory(town=ward.towns.b1, care_level=CareLevel.CARE_5)
    PersonFactory(town=ward.towns.a1, status=ResidentStatus.MOVED_OUT)
    ConsentFactory(person=PersonFactory(town=ward.towns.a2), status=ConsentStatus.UNANSWERED)


def test_without_a_replica_reports_read_the_primary(ward, verified_client):
    assert report_db() == "default"
    client = verified_client(ward.ward_officer)

    with queries() as seen:
        response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert seen.replica == []
    assert counts_of_persons(seen.primary)


def test_home_page_counts_come_from_the_replica(ward, verified_client, settings, on_replica):
    residents(ward)
    client = verified_client(ward.ward_officer)

    with queries() as seen:
        response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert report_db() == REPLICA
    # The ward's figures and the consent count: read from the replica, and only reads.
    assert len(counts_of_persons(seen.replica)) >= 2
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in seen.replica)
    assert counts_of_persons(seen.primary) == []
    # The same figures as the primary's.
    on_replica_counts = response.context["overview"].ward_counts
    settings.TSUNAGU_REPORTS_DATABASE = "default"
    assert on_replica_counts == access_overview(user=ward.ward_officer).ward_counts
    assert on_replica_counts.former == 1


def test_agreement_holders_counts_come_from_the_replica(ward, client, on_replica):
    residents(ward)
    client.force_login(ward.association_member)

    with queries() as seen:
        response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert counts_of_persons(seen.replica)
    assert counts_of_persons(seen.primary) == []


def test_consent_statistics_come_from_the_replica(ward, on_replica):
    residents(ward)

    with queries() as seen:
        counts = unanswered_counts_by_district(user=ward.ward_officer)

    assert sum(c.unanswered for c in counts) == 2  # the fixture's unanswered persons on the roster
    assert counts_of_persons(seen.replica)
    assert counts_of_persons(seen.primary) == []


@pytest.mark.parametrize("page", ["registry:search", "roster:list"])
def test_pages_of_personal_data_stay_on_the_primary(ward, verified_client, on_replica, page):
    residents(ward)
    client = verified_client(ward.ward_officer)

    with queries() as seen:
        response = client.get(reverse(page), {"q": "ヤマ"} if page == "registry:search" else {})

    assert response.status_code == 200
    assert seen.replica == []


def test_a_person_and_its_audit_entry_stay_on_the_primary(ward, verified_client, on_replica):
    person = PersonFactory(town=ward.towns.a1)
    client = verified_client(ward.ward_officer)

    with queries() as seen:
        response = client.get(reverse("registry:detail", args=[person.pk]))

    assert response.status_code == 200
    assert seen.replica == []
    assert any("audit" in sql and sql.lstrip().upper().startswith("INSERT") for sql in seen.primary)
