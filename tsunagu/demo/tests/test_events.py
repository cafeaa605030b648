"""The demo ward's events: months ahead, across its 小学校区 and the whole ward, for every audience, some in
やさしい日本語 and English, some taking sign-ups; the same seed gives the same events."""

import datetime

import pytest

from tsunagu.demo.ward import MIN_SIZE, generate_ward
from tsunagu.events.models import Article, AudienceKind, Event, SignupStatus
from tsunagu.events.selectors import public_events

pytestmark = pytest.mark.django_db

REFERENCE_DAY = datetime.date(2026, 6, 1)


def _events() -> list[tuple]:
    return list(Event.objects.order_by("starts_at", "title").values_list("title", "starts_at", "district__code"))


def test_demo_events_cover_the_coming_months_districts_and_audiences():
    generate_ward(size=MIN_SIZE, today=REFERENCE_DAY)
    events = Event.objects.all()
    assert events.count() >= 30
    days = {e.starts_at.date() for e in events}
    assert min(days) > REFERENCE_DAY and max(days) >= REFERENCE_DAY + datetime.timedelta(days=100)
    assert events.values("district").distinct().count() >= 5
    assert {a for e in events for a in e.audiences.values_list("code", flat=True)} == set(AudienceKind.values)
    assert events.exclude(easy_body="").exists() and events.filter(translations__language="en").exists()
    assert events.filter(signups__status=SignupStatus.WAITING).exists(), "a full event with a waiting list"
    assert Article.objects.filter(translations__language="en").exists()
    assert all(e.is_published for e in events)


def test_the_same_seed_gives_the_same_events():
    generate_ward(size=MIN_SIZE, today=REFERENCE_DAY, seed=3)
    first = _events()
    generate_ward(size=MIN_SIZE, today=REFERENCE_DAY, seed=3, replace=True)
    assert _events() == first
    assert public_events(upcoming=False).count() == len(first)
