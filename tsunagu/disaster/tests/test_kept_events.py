"""The events not over and the viewer's memberships kept in the shared cache (TSUNAGU_ACCESS_CACHE_SECONDS, on in
production with Redis): the edges of the disaster-time grant hold exactly as without it. The edge tests of
test_disaster and test_api run here again with the cache on; and a planned end closes the access when its time
comes, with nothing written."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from tsunagu.disaster.models import DisasterKind
from tsunagu.disaster.services import event_declare

from .test_api import (  # noqa: F401 - run again with the cache on
    event,
    test_a_report_sent_again_after_the_event_ended_is_still_the_stored_one,
    test_a_status_after_the_event_ended_is_400_with_the_japanese_reason,
)
from .test_disaster import (  # noqa: F401 - run again with the cache on
    district_a_event,
    listed_in_a,
    seen,
    test_an_event_declared_for_later_opens_when_started_and_keeps_its_planned_length,
    test_ending_the_event_closes_the_access_at_once,
    test_the_access_runs_from_the_start_to_the_planned_end,
)


@pytest.fixture(autouse=True)
def kept(settings):
    settings.TSUNAGU_ACCESS_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_a_planned_end_closes_the_kept_event_when_its_time_comes(ward, monkeypatch):
    now = timezone.now()
    event_declare(
        user=ward.ward_officer,
        name="大雨",
        kind=DisasterKind.STORM_FLOOD,
        districts=[ward.districts.a],
        started_at=now - datetime.timedelta(hours=1),
        planned_end_at=now + datetime.timedelta(minutes=5),
    )
    assert seen(ward.association_member) == listed_in_a(ward)  # and the events are kept now
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(minutes=5, seconds=1))
    assert seen(ward.association_member) == set()
