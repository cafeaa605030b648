"""Per detail level, every person field that any page, export, map and API shows, checked against the policy's
DETAIL_FIELDS (tsunagu.access.policy.grants).

One listed resident (the subject) has every field filled with a value found nowhere else. Each output is
rendered for a 町会 member (COMMUNITY level) and for a ward officer (FULL level), and the fields whose values
appear in it are compared with the inventory below: exactly those, and within what the level may show.

A page added later is caught by the sweep: every GET address of the site (with the subject's id where the
address takes a person) is opened as the 町会 member, as a page and as an htmx fragment, and may show no field
outside the community level. A new download made by POST is added to the inventory by hand."""

import datetime
import html
import json
import subprocess
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tsunagu.access.policy import DETAIL_FIELDS, DetailLevel
from tsunagu.audit.models import AuditPurpose
from tsunagu.evacuation.models import PlanStatus, Priority
from tsunagu.evacuation.services import evacuation_plan_save
from tsunagu.people.models import (
    CareLevel,
    ConsentGivenBy,
    ConsentStatus,
    Household,
    IntellectualGrade,
    PhysicalDisabilityType,
    ResidencyEventKind,
    Sex,
)
from tsunagu.roster.models import DistributionForm, RosterEntryReason, RosterRule, RuleKind
from tsunagu.roster.outputs import OutputFormat, roster_output_distribution, roster_output_district
from tsunagu.roster.services.distribution import distribution_create
from tsunagu.testing.factories import ConsentFactory, PersonFactory, TownFactory
from tsunagu.testing.personas import list_on_roster

COMMUNITY = DETAIL_FIELDS[DetailLevel.COMMUNITY]
FULL = DETAIL_FIELDS[DetailLevel.FULL]

TOWN = "鷺洲七丁目"
REASON = "本人の申出（検証用の事由）"
CONSENT_METHOD = "戸別訪問で聞き取り（検証用）"
MEDICATION = "検証用の服薬メモ"

# How each field shows in a page, a file or JSON: its distinctive value in every form the outputs print it,
# and, for yes/no items and grades whose values are not distinctive, the item's own name.
MARKERS: dict[str, tuple[str, ...]] = {
    "family_name": ("檜垣",),
    "given_name": ("紗綾",),
    "family_name_kana": ("ヒガキ",),
    "given_name_kana": ("サアヤ",),
    "birth_date": ("昭和12年11月23日", "1937-11-23"),
    "sex": ("その他・不明", '"sex": "other"'),
    "town": (TOWN,),
    "address": ("9-87-65",),
    "address_extra": ("柊コーポ205",),
    "phone": ("06-7777-1234",),
    "roster_reasons": (REASON,),
    "care_level": ("要介護4", '"care_4"'),
    "physical_disability_type": ("視覚障害", '"visual"'),
    "physical_disability_grade": ("5級", '"physical_disability_grade"'),
    "intellectual_disability_grade": ("A（重度）", "療育手帳", '"intellectual_disability_grade"'),
    "mental_disability_grade": ("精神障害者保健福祉手帳", '"mental_disability_grade"'),
    "intractable_disease": ("難病", '"intractable_disease"'),
    "lives_alone": ("ひとり暮らし", '"lives_alone"'),
    "elderly_only_household": ("高齢者のみ世帯", '"elderly_only_household"'),
    "resident_number": ("880011223",),
    "household": ("HH-55501", "世帯番号"),
    "status": ("住民状態", '"status": "resident"'),
    "status_changed_on": ("平成31年2月13日", "2019-02-13"),
    # As given, and as the roster map's points send them (rounded to 5 decimals, about 1 m).
    "latitude": ("34.612345", "34.61234"),
    "longitude": ("135.498765", "135.49876"),
    "events": ("平成15年8月17日", "2003-08-17", "異動の履歴"),
    "consents": (CONSENT_METHOD, "令和6年10月9日", "2024-10-09", "成年後見人"),
}

# The roster's items (氏名・フリガナ・生年月日・性別・住所・電話・事由) as most pages print them.
NAMES = {"family_name", "given_name", "family_name_kana", "given_name_kana"}
ROSTER_ROW = NAMES | {"birth_date", "sex", "town", "address", "address_extra", "phone", "roster_reasons"}
SUPPORT = {
    "care_level",
    "physical_disability_type",
    "physical_disability_grade",
    "intellectual_disability_grade",
    "mental_disability_grade",
    "intractable_disease",
    "lives_alone",
    "elderly_only_household",
}

# Every output, per level: the person fields it shows. (Plan pages also show the plan's own items — plan data,
# not person fields: see docs/access-policy.md — checked separately below.)
INVENTORY: dict[tuple[str, DetailLevel], set[str]] = {
    ("home page", DetailLevel.COMMUNITY): set(),
    ("home page", DetailLevel.FULL): set(),
    ("person search", DetailLevel.COMMUNITY): NAMES | {"birth_date", "town"},
    ("person search", DetailLevel.FULL): NAMES | {"birth_date", "town"},
    ("person page", DetailLevel.COMMUNITY): ROSTER_ROW - {"roster_reasons"},
    ("person page", DetailLevel.FULL): (ROSTER_ROW - {"roster_reasons"})
    | SUPPORT
    | {"resident_number", "household", "events", "consents"},
    ("person export (CSV)", DetailLevel.FULL): (ROSTER_ROW - {"roster_reasons"})
    | SUPPORT
    | {"resident_number", "household", "status"},
    ("API person list", DetailLevel.COMMUNITY): ROSTER_ROW - {"phone", "roster_reasons"},
    ("API person list", DetailLevel.FULL): ROSTER_ROW - {"phone", "roster_reasons"}
    | {"resident_number", "status", "status_changed_on"},
    ("API person detail", DetailLevel.COMMUNITY): ROSTER_ROW - {"roster_reasons"},
    ("API person detail", DetailLevel.FULL): FULL - {"roster_reasons", "latitude", "longitude"},
    ("roster list", DetailLevel.COMMUNITY): ROSTER_ROW,
    ("roster list", DetailLevel.FULL): ROSTER_ROW | SUPPORT,
    ("roster why page", DetailLevel.COMMUNITY): NAMES | {"roster_reasons"},
    ("roster why page", DetailLevel.FULL): NAMES | {"roster_reasons", "care_level", "consents"},
    ("map data", DetailLevel.COMMUNITY): {"family_name", "given_name", "town", "address", "address_extra"}
    | {"roster_reasons", "latitude", "longitude"},
    ("map data", DetailLevel.FULL): {"family_name", "given_name", "town", "address", "address_extra"}
    | {"roster_reasons", "latitude", "longitude"},
    # The roster map's compact points (positions only) and one marker's details, opened on click.
    ("map points", DetailLevel.COMMUNITY): {"latitude", "longitude"},
    ("map points", DetailLevel.FULL): {"latitude", "longitude"},
    ("map marker", DetailLevel.COMMUNITY): {"family_name", "given_name", "town", "address", "address_extra"}
    | {"roster_reasons"},
    ("map marker", DetailLevel.FULL): {"family_name", "given_name", "town", "address", "address_extra"}
    | {"roster_reasons"},
    ("plan list", DetailLevel.COMMUNITY): NAMES | {"birth_date", "town"},
    ("plan list", DetailLevel.FULL): NAMES | {"birth_date", "town"},
    ("plan page", DetailLevel.COMMUNITY): ROSTER_ROW - {"sex"},
    ("plan page", DetailLevel.FULL): ROSTER_ROW - {"sex"},
    ("plan sheet (PDF)", DetailLevel.COMMUNITY): ROSTER_ROW,
    ("plan sheet (PDF)", DetailLevel.FULL): ROSTER_ROW,
    # The copy the ward hands a 町会 through the distribution register (配布番号, 取扱注意): the community level.
    ("distribution copy (CSV)", DetailLevel.COMMUNITY): ROSTER_ROW,
    # The ward's own working copy of a district.
    ("district copy (CSV)", DetailLevel.FULL): ROSTER_ROW | SUPPORT,
}


def shown(text: str) -> set[str]:
    """The fields whose markers appear in the text."""
    return {name for name, markers in MARKERS.items() if any(marker in text for marker in markers)}


def page_text(response) -> str:
    assert response.status_code == 200, (response.status_code, response.request["PATH_INFO"])
    return html.unescape(response.content.decode())


def json_text(response) -> str:
    assert response.status_code == 200, (response.status_code, response.request["PATH_INFO"])
    return json.dumps(response.json(), ensure_ascii=False)


def pdf_text(content: bytes) -> str:
    # Without -layout: a table cell's text stays in one piece.
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def subject(ward):
    """A listed resident of district A with every field distinctive, consent given (through a guardian), a
    residency event, a recorded reason and an evacuation plan."""
    town = TownFactory(code="0001077", name=TOWN, in_districts=[ward.districts.a])
    person = PersonFactory(
        town=town,
        resident_number="880011223",
        household=Household.objects.create(number="HH-55501"),
        family_name="檜垣",
        given_name="紗綾",
        family_name_kana="ヒガキ",
        given_name_kana="サアヤ",
        birth_date=datetime.date(1937, 11, 23),
        sex=Sex.OTHER,
        address="9-87-65",
        address_extra="柊コーポ205",
        phone="06-7777-1234",
        status_changed_on=datetime.date(2019, 2, 13),
        latitude=Decimal("34.612345"),
        longitude=Decimal("135.498765"),
        care_level=CareLevel.CARE_4,
        physical_disability_type=PhysicalDisabilityType.VISUAL,
        physical_disability_grade=5,
        intellectual_disability_grade=IntellectualGrade.A,
        mental_disability_grade=3,
        intractable_disease=True,
        lives_alone=True,
        elderly_only_household=True,
    )
    person.events.create(kind=ResidencyEventKind.MOVED_IN, occurred_on=datetime.date(2003, 8, 17))
    ConsentFactory(
        person=person,
        status=ConsentStatus.AGREED,
        given_by=ConsentGivenBy.GUARDIAN,
        method=CONSENT_METHOD,
        decided_on=datetime.date(2024, 10, 9),
    )
    build = list_on_roster([*vars(ward.people).values(), person], number=2)
    rule = RosterRule.objects.create(label=REASON, kind=RuleKind.CARE_LEVEL, threshold="care_3")
    RosterEntryReason.objects.create(build=build, person=person, rule=rule, label=REASON)
    evacuation_plan_save(
        person=person,
        data={"status": PlanStatus.IN_PROGRESS, "priority": Priority.HIGH, "needs_medication": MEDICATION},
        supporters=[],
        user=ward.ward_officer,
    )
    ward.build = build
    return person


def _export(ward, subject, client) -> str:
    data = {"q": "ひがき", "purpose": AuditPurpose.WATCH, "export_format": "csv_utf8"}
    response = client.post("/people/export/", data)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return response.content.decode("utf-8-sig")


def _plan_sheet(ward, subject, client) -> str:
    response = client.post(f"/evacuation/plans/{subject.pk}/pdf/", {"purpose": AuditPurpose.DISASTER_PREP})
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)


def _distribution_copy(ward, subject, client) -> str:
    distribution = distribution_create(
        user=ward.ward_officer,
        organisation=ward.orgs.association,
        agreement=ward.agreements.association,
        build=ward.build,
        districts=[ward.districts.a],
        form=DistributionForm.PAPER,
    )
    result = roster_output_distribution(
        user=ward.ward_officer,
        distribution=distribution,
        output_format=OutputFormat.CSV_UTF8,
        purpose=AuditPurpose.DISASTER_PREP,
    )
    return result.content.decode("utf-8-sig")


def _district_copy(ward, subject, client) -> str:
    result = roster_output_district(
        user=ward.ward_officer,
        district=ward.districts.a,
        output_format=OutputFormat.CSV_UTF8,
        purpose=AuditPurpose.DISASTER_PREP,
    )
    return result.content.decode("utf-8-sig")


# How each output of the inventory is made, as the client of the level's persona.
RENDER = {
    "home page": lambda ward, subject, client: page_text(client.get("/")),
    "person search": lambda ward, subject, client: page_text(client.get("/people/", {"q": "ひがき"})),
    "person page": lambda ward, subject, client: page_text(client.get(f"/people/{subject.pk}/")),
    "person export (CSV)": _export,
    "API person list": lambda ward, subject, client: json_text(client.get("/api/persons/", {"q": "ひがき"})),
    "API person detail": lambda ward, subject, client: json_text(client.get(f"/api/persons/{subject.pk}/")),
    "roster list": lambda ward, subject, client: page_text(client.get("/roster/", {"town": subject.town_id})),
    "roster why page": lambda ward, subject, client: page_text(client.get(f"/roster/why/{subject.pk}/")),
    "map data": lambda ward, subject, client: json_text(client.get("/map/data.json")),
    "map points": lambda ward, subject, client: json_text(client.get("/map/points.json", {"unlocated": "1"})),
    "map marker": lambda ward, subject, client: json_text(client.get(f"/map/persons/{subject.pk}.json")),
    "plan list": lambda ward, subject, client: page_text(client.get("/evacuation/plans/")),
    "plan page": lambda ward, subject, client: page_text(client.get(f"/evacuation/plans/{subject.pk}/")),
    "plan sheet (PDF)": _plan_sheet,
    "distribution copy (CSV)": _distribution_copy,
    "district copy (CSV)": _district_copy,
}


def test_the_inventory_stays_within_what_each_level_may_show():
    for (name, level), fields in INVENTORY.items():
        assert fields <= DETAIL_FIELDS[level], (name, level, sorted(fields - DETAIL_FIELDS[level]))
    # Every field the policy names can be recognised in an output.
    assert set(MARKERS) == FULL
    assert COMMUNITY < FULL


def test_the_community_level_is_the_roster_items():
    # The roster's items, and the address's position on a map (it tells no more than the address).
    assert COMMUNITY == ROSTER_ROW | {"latitude", "longitude"}
    assert not COMMUNITY & (SUPPORT | {"resident_number", "household", "status", "events", "consents"})


@pytest.mark.parametrize(("name", "level"), list(INVENTORY), ids=[f"{n} ({lv})" for n, lv in INVENTORY])
def test_each_output_shows_exactly_its_fields(ward, subject, verified_client, name, level):
    persona = ward.association_member if level == DetailLevel.COMMUNITY else ward.ward_officer
    client = verified_client(persona)

    text = RENDER[name](ward, subject, client)

    assert shown(text) == INVENTORY[(name, level)]


@pytest.mark.parametrize("persona", ["association_member", "commissioner"])
def test_community_members_get_no_export(ward, subject, verified_client, persona):
    client = verified_client(getattr(ward, persona))

    response = client.post("/people/export/", {"purpose": AuditPurpose.WATCH, "export_format": "csv_utf8"})

    assert response.status_code == 403
    assert "Content-Disposition" not in response
    assert shown(html.unescape(response.content.decode())) == set()


@pytest.mark.parametrize("persona", ["association_member", "ward_officer"])
def test_plan_pages_show_the_plan_to_whoever_sees_the_person(ward, subject, verified_client, persona):
    # The plan's own items (避難先, 配慮すること …) are plan data, not person fields: DETAIL_FIELDS does not list
    # them, and the plan pages show them to whoever sees the person (docs/access-policy.md).
    page = page_text(verified_client(getattr(ward, persona)).get(f"/evacuation/plans/{subject.pk}/"))

    assert MEDICATION in page


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.pattern.converters


# Not pages about persons: the admin (staff only, and outside the product's pages), the API's own description
# (it names the fields of every level, and no one's values), and addresses that change the session.
SWEEP_SKIPS = ("admin/", "api/schema/", "api/docs/", "accounts/logout/", "i18n/")


def sweep_addresses(person_id: int) -> list[str]:
    """Every GET address the site has, with this person where an address takes a person; the others that take
    an argument (a rule, a build, a distribution …) are pages of the ward's staff."""
    addresses = []
    for route, converters in _routes(get_resolver().url_patterns):
        if route.startswith(SWEEP_SKIPS) or "(?P<" in route or route.startswith("^"):
            continue
        if set(converters) - {"person_id"}:
            continue
        addresses.append("/" + route.replace("<str:person_id>", str(person_id)))
    return addresses


def test_no_page_shows_a_community_member_more_than_the_roster_gives(ward, subject, verified_client):
    client = verified_client(ward.association_member)
    addresses = sweep_addresses(subject.pk)
    # The sweep reaches the pages that show persons (a renamed address would otherwise drop out silently).
    assert {"/", "/people/", "/roster/", "/map/data.json", f"/people/{subject.pk}/"} <= set(addresses)
    assert {"/map/points.json", f"/map/persons/{subject.pk}.json"} <= set(addresses)

    leaks = {}
    seen_subject = set()
    answered = set()
    for address in addresses:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(address, headers=headers)
            if response.status_code == 200:
                answered.add(address)
            text = html.unescape(response.content.decode(errors="replace"))
            fields = shown(text)
            if fields - COMMUNITY:
                leaks[(address, bool(headers))] = sorted(fields - COMMUNITY)
            if "family_name" in fields:
                seen_subject.add(address)

    assert leaks == {}
    # The pages that show the subject did show them (the sweep looked at real pages, not refusals).
    person_pages = {f"/people/{subject.pk}/", f"/roster/why/{subject.pk}/", f"/evacuation/plans/{subject.pk}/"}
    assert person_pages | {"/people/", "/roster/", "/map/data.json", f"/api/persons/{subject.pk}/"} <= answered
    assert person_pages | {"/people/", "/roster/", "/map/data.json"} <= seen_subject
