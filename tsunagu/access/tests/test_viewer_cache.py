"""The viewer's memberships, agreements and towns kept across requests (TSUNAGU_ACCESS_CACHE_SECONDS, on in
production with a shared cache): a request that follows no change reads none of them again, and every kind of
change — a membership, an agreement, its districts, a service district, a town's district, an organisation
closed — is seen by the very next viewer, inside the writing transaction and after it."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.access.policy import Viewer
from tsunagu.areas.models import TownDistrict
from tsunagu.core.generations import ACCESS


@pytest.fixture(autouse=True)
def kept(settings):
    settings.TSUNAGU_ACCESS_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def visible_ids(user) -> set[int]:
    return set(policy.visible_persons(Viewer(user)).values_list("pk", flat=True))


def test_a_second_viewer_reads_no_membership_agreement_or_town(ward):
    Viewer(ward.commissioner).grants()
    with CaptureQueriesContext(connection) as queries:
        viewer = Viewer(ward.commissioner)
        grants = viewer.grants()
    assert grants
    assert queries.captured_queries == [q for q in queries.captured_queries if "roster_rosterbuild" in q["sql"]]
    assert {m.organisation for m in viewer.memberships} == {ward.orgs.minsei}


def test_a_membership_ended_closes_access_at_once(ward):
    assert visible_ids(ward.association_member)
    membership = ward.association_member.memberships.get()
    membership.ended_on = timezone.localdate() - datetime.timedelta(days=1)
    membership.save()
    assert visible_ids(ward.association_member) == set()


def test_an_agreement_revoked_or_narrowed_is_seen_by_the_next_viewer(ward):
    before = visible_ids(ward.commissioner)
    assert ward.people.b1_agreed.pk in before
    ward.commissioner.memberships.get().districts.set([ward.districts.a])  # an m2m change, no save()
    narrowed = visible_ids(ward.commissioner)
    assert ward.people.b1_agreed.pk not in narrowed and ward.people.a1_agreed.pk in narrowed
    agreement = ward.agreements.minsei
    agreement.revoked_at = timezone.now()
    agreement.save(update_fields=["revoked_at"])
    assert visible_ids(ward.commissioner) == set()


def test_service_districts_and_town_districts_are_read_again_after_a_change(ward):
    assert ward.people.a1_agreed.pk in visible_ids(ward.shakyo_coordinator)
    ward.orgs.shakyo.service_districts.set([ward.districts.b])
    shakyo = visible_ids(ward.shakyo_coordinator)
    assert ward.people.a1_agreed.pk not in shakyo and ward.people.b1_agreed.pk in shakyo
    # A town moves to district A (as the areas import does, one link per layer).
    TownDistrict.objects.filter(town=ward.towns.b1).update(district=ward.districts.a)  # bulk: no signal
    ACCESS.advance()  # what a bulk writer must say (tsunagu.areas.services.areas_import does)
    assert ward.people.b1_agreed.pk not in visible_ids(ward.shakyo_coordinator)


def test_an_organisation_closed_sees_nobody(ward):
    assert visible_ids(ward.association_member)
    ward.orgs.association.is_active = False
    ward.orgs.association.save()
    assert visible_ids(ward.association_member) == set()


def test_the_generation_moves_again_when_the_writer_commits(ward, django_capture_on_commit_callbacks):
    start = ACCESS.current()
    with django_capture_on_commit_callbacks(execute=True):
        ward.agreements.minsei.save()
        assert ACCESS.current() == start + 1  # at once: the writer's own next read is fresh
    # And at commit: a reader that saw the first move before the commit may have kept the old rows under it.
    assert ACCESS.current() == start + 2


def test_without_the_setting_nothing_is_kept(ward, settings):
    settings.TSUNAGU_ACCESS_CACHE_SECONDS = 0
    Viewer(ward.commissioner).grants()
    with CaptureQueriesContext(connection) as queries:
        Viewer(ward.commissioner).grants()
    assert any("organisations_membership" in q["sql"] for q in queries.captured_queries)
