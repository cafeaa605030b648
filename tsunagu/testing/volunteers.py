"""Volunteers and needs for tests of the volunteer centre (and of pages that sweep every URL)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.utils import timezone

from tsunagu.testing.factories.accounts import UserFactory
from tsunagu.volunteers.models import Need, NeedKind, Volunteer, VolunteerStatus


def make_volunteer(ward, *, name: str = "山田 花子", username: str | None = None, **fields) -> Volunteer:
    districts = fields.pop("districts", [ward.districts.a])
    defaults = {
        "name_kana": "ヤマダ ハナコ",
        "name_key": "ヤマダハナコ",
        "phone": "06-6555-0101",
        "interests": [NeedKind.SHOPPING],
        "weekly_slots": ["mon_am", "tue_am", "wed_am", "thu_am", "fri_am", "sat_am", "sun_am"],
        "consents_to_contact": True,
        "status": VolunteerStatus.APPROVED,
        "insurance_expires_on": datetime.date(2099, 3, 31),
    }
    defaults.update(fields)
    volunteer = Volunteer.objects.create(name=name, **defaults)
    volunteer.districts.set(districts)
    if username:
        volunteer.user = UserFactory(username=username)
        volunteer.save(update_fields=["user"])
    return volunteer


def make_need(ward, **fields) -> Need:
    start = timezone.localtime() + datetime.timedelta(days=3)
    defaults = {
        "kind": NeedKind.SHOPPING,
        "title": "週1回の買い物の付き添い",
        "district": ward.districts.a,
        "starts_at": start.replace(hour=10, minute=0, second=0, microsecond=0),
        "requester_name": "泉尾 トメ",
        "requester_phone": "06-6555-0199",
        "requester_address": "泉尾一丁目1-2-3",
    }
    defaults.update(fields)
    return Need.objects.create(**defaults)


def member_services_for_sweep(ward) -> SimpleNamespace:
    """A scheme with fees, a 利用会員 and a 協力会員, an approved activity of a week ago (ledger, statement) and a
    request assigned and waiting for its report: every member-services page has something to show."""
    from tsunagu.areas.models import Municipality
    from tsunagu.volunteers.models import MemberKind
    from tsunagu.volunteers.services import (
        activity_approve,
        activity_report,
        member_register,
        rate_add,
        scheme_create,
        service_request_assign,
        service_request_create,
    )

    actor = ward.shakyo_coordinator
    today = timezone.localdate()
    start = today - datetime.timedelta(days=60)
    scheme = scheme_create(
        actor=actor, municipality_id=Municipality.home().pk, name="ふたばサービス", operator="大正区社会福祉協議会"
    )
    rate_add(actor=actor, scheme=scheme, valid_from=start, fee_per_hour=800, honorarium_per_hour=600, transport_fee=300)
    user = member_register(
        actor=actor, scheme=scheme, kind=MemberKind.USER, number="U-001", name="泉尾 トメ", joined_on=start
    )
    helper = member_register(
        actor=actor, scheme=scheme, kind=MemberKind.HELPER, number="H-001", name="北 次郎", joined_on=start
    )
    done_on = today - datetime.timedelta(days=7)
    done = service_request_create(
        actor=actor,
        member=user,
        what="買い物の付き添い",
        starts_at=timezone.make_aware(datetime.datetime.combine(done_on, datetime.time(10))),
    )
    assignment = service_request_assign(actor=actor, service_request=done, helper=helper)
    activity = activity_report(actor=actor, assignment=assignment, activity_on=done_on, minutes=90, transport=True)
    activity_approve(actor=actor, activity=activity)
    waiting = service_request_create(
        actor=actor,
        member=user,
        what="部屋の片づけ",
        starts_at=timezone.make_aware(datetime.datetime.combine(today, datetime.time(14))),
    )
    service_request_assign(actor=actor, service_request=waiting, helper=helper)
    return SimpleNamespace(scheme=scheme, user=user, helper=helper, request=waiting, done=done)
