"""Volunteers and needs for tests of the volunteer centre (and of pages that sweep every URL)."""

from __future__ import annotations

import datetime

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
