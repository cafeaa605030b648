"""A small public directory over the small ward (tsunagu.testing.personas): one entry of each window the search by
need must find, a salon on a map, a DV shelter whose location is hidden, and an unpublished draft.

District A (towns A1, A2) is served by the care plaza 「泉尾ケアプラザ」, district B (town B1) by
「北恩加島ケアプラザ」."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from tsunagu.directory.models import (
    CostKind,
    DirectoryOrganisation,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceKind,
    Topic,
)

HIDDEN_ADDRESS = "大阪市大正区北恩加島一丁目9-87"
HIDDEN_NAME = "みどり荘"


def _service(org, kind, name, topics, *, location=None, districts=(), published=True, **fields):
    service = Service(organisation=org, kind=kind, name=name, topics=list(topics), published=published, **fields)
    service.description = fields.get("description") or f"{name}の案内です。"
    service.refresh_search_key()
    service.save()
    if districts:
        service.service_districts.set(districts)
    if location is not None:
        ServiceAtLocation.objects.create(service=service, location=location)
    return service


def build_directory(ward: SimpleNamespace) -> SimpleNamespace:
    ward_org = DirectoryOrganisation.objects.create(
        name="大正区役所", organisation=ward.orgs.ward_office, phone="06-4394-9999"
    )
    shakyo = DirectoryOrganisation.objects.create(name="大正区社会福祉協議会")
    groups = DirectoryOrganisation.objects.create(name="地域のボランティア")
    office = Location.objects.create(
        name="大正区役所",
        address="大阪市大正区千島2-7-95",
        postal_code="551-0003",
        town=ward.towns.a1,
        latitude=Decimal("34.668000"),
        longitude=Decimal("135.472000"),
        accessibility=["wheelchair", "elevator"],
    )
    hall_a = Location.objects.create(
        name="泉尾会館", address="大阪市大正区泉尾二丁目3-4", town=ward.towns.a2,
        latitude=Decimal("34.664000"), longitude=Decimal("135.474000"),
    )  # fmt: skip
    hidden = Location.objects.create(
        name=HIDDEN_NAME,
        address=HIDDEN_ADDRESS,
        town=ward.towns.b1,
        latitude=Decimal("34.650123"),
        longitude=Decimal("135.470456"),
        hide_exact_location=True,
        transportation="北恩加島バス停の裏",
        accessibility=["child_friendly"],
    )
    general = _service(
        ward_org,
        ServiceKind.WARD_OFFICE,
        "区役所 福祉の総合相談",
        [Topic.GENERAL],
        location=office,
        phone="06-4394-9882",
    )
    self_reliance = _service(
        shakyo,
        ServiceKind.SELF_RELIANCE,
        "生活自立相談窓口",
        [Topic.MONEY, Topic.WORK, Topic.HIKIKOMORI],
        location=office,
    )
    school = _service(
        ward_org, ServiceKind.WARD_OFFICE, "こども相談", [Topic.SCHOOL, Topic.CHILD_REARING], location=office
    )
    shakyo_general = _service(shakyo, ServiceKind.SHAKYO, "社協 総合相談", [Topic.GENERAL, Topic.WATCH])
    plaza_a = _service(
        shakyo, ServiceKind.CARE_PLAZA, "泉尾ケアプラザ", [Topic.CARE, Topic.DEMENTIA, Topic.ELDERLY],
        location=hall_a, districts=[ward.districts.a], phone="06-6551-1111",
    )  # fmt: skip
    plaza_b = _service(
        shakyo, ServiceKind.CARE_PLAZA, "北恩加島ケアプラザ", [Topic.CARE, Topic.DEMENTIA, Topic.ELDERLY],
        districts=[ward.districts.b], phone="06-6552-2222",
    )  # fmt: skip
    salon = _service(
        groups, ServiceKind.SALON, "泉尾ふれあいサロン", [Topic.LONELINESS], location=hall_a,
        cost_kind=CostKind.PAID, cost_note="100円",
    )  # fmt: skip
    Schedule.objects.create(
        service=salon,
        rrule="FREQ=MONTHLY;BYDAY=2TU",
        opens_at=datetime.time(13, 30),
        closes_at=datetime.time(15, 0),
        starts_on=datetime.date(2025, 4, 1),
    )
    Schedule.objects.create(
        service=general,
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        opens_at=datetime.time(8, 45),
        closes_at=datetime.time(17, 30),
        starts_on=datetime.date(2025, 4, 1),
        closed_on_holidays=True,
    )
    shelter = _service(
        ward_org, ServiceKind.OTHER, "一時避難の場", [Topic.ABUSE, Topic.HOUSING], location=hidden, phone="06-4394-0000"
    )
    draft = _service(ward_org, ServiceKind.SALON, "準備中のサロン", [Topic.LONELINESS], published=False)
    return SimpleNamespace(
        general=general, self_reliance=self_reliance, school=school, shakyo=shakyo_general, plaza_a=plaza_a,
        plaza_b=plaza_b, salon=salon, shelter=shelter, draft=draft, office=office, hidden=hidden,
    )  # fmt: skip
