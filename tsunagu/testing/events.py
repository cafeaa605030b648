"""Events for tests: a published event of the small ward (tsunagu.testing.personas), a week ahead."""

import datetime

from django.utils import timezone

from tsunagu.events.models import Event, EventKind, audiences_for


def make_event(ward, **overrides) -> Event:
    # Whole minutes, as staff enter them (iCalendar carries no fractions of a second).
    soon = (timezone.now() + datetime.timedelta(days=7)).replace(second=0, microsecond=0)
    values = {
        "title": "いきいき健康サロン",
        "body": "高齢者のための健康講座を開きます。\n\n体操とお茶の時間があります。",
        "easy_body": "からだを うごかします。おちゃを のみます。",
        "kind": EventKind.SALON,
        "place": "泉尾会館",
        "starts_at": soon,
        "ends_at": soon + datetime.timedelta(hours=2),
        "district": ward.districts.a,
        "organisation": ward.orgs.shakyo,
        "contact": "06-0000-0000",
        "is_published": True,
        "capacity": 2,
        "signups_open": True,
    }
    values.update(overrides)
    event = Event.objects.create(**values)
    event.audiences.set(audiences_for(["elderly"]))
    return event
