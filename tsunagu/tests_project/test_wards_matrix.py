"""Issue 7, item 1: several wards in one instance. A city of two wards (build_ward's home ward 大正区 and a
second ward 港区, tsunagu.testing.personas.build_city): no page, export or API of one ward's staff, 社協,
民生委員 or 町会 shows a resident of the other ward; the city's welfare bureau sees both wards; the city's crisis
management office sees no one in normal times.

The page sweep walks every GET address of the URL resolver (as test_detail_fields does), so a new page is
checked without being listed here."""

import csv
import datetime
import html
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tsunagu.access import policy
from tsunagu.areas.models import Municipality, Town, local_government_check_digit, validate_local_government_code
from tsunagu.areas.services import ImportFailed, areas_import
from tsunagu.audit.models import AuditPurpose
from tsunagu.disaster.models import DISASTER_SCOPE
from tsunagu.organisations.models import ConsentRequirement
from tsunagu.people.models import Person
from tsunagu.registry.services import registry_residents_import
from tsunagu.roster.models import DistributionForm, RosterBuild, RosterEntry
from tsunagu.roster.outputs import OutputFormat, roster_output_district
from tsunagu.roster.selectors import distribution_get, distribution_list
from tsunagu.roster.services import roster_build
from tsunagu.roster.services.distribution import DistributionRefusedError, distribution_create
from tsunagu.testing.accounts import token_client
from tsunagu.testing.factories import AgreementFactory
from tsunagu.testing.personas import OTHER_WARD_FAMILY_NAME, build_city

# The home ward's viewers of the matrix, and the other ward's same roles (build_city's b_… personas).
WARD_ROLES = ["ward_officer", "shakyo_coordinator", "commissioner", "association_member"]


@pytest.fixture
def city(ward):
    return build_city(ward)


def _ids(persons) -> set[int]:
    return {p.pk for p in vars(persons).values()}


# --- 全国地方公共団体コード ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [("011002", "札幌市"), ("131016", "千代田区"), ("271004", "大阪市"), ("271080", "大正区"), ("141003", "横浜市")],
)
def test_known_local_government_codes_carry_their_check_digit(code, name):
    assert local_government_check_digit(code[:5]) == int(code[5]), name
    validate_local_government_code(code)


@pytest.mark.parametrize("code", ["271081", "27108", "2710800", "27108a", "２７１０８０"])
def test_a_wrong_local_government_code_is_refused(code):
    with pytest.raises(ValidationError):
        validate_local_government_code(code)


# --- the policy -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", WARD_ROLES)
def test_no_viewer_of_one_ward_sees_a_resident_of_the_other(ward, city, role):
    home_seen = set(policy.visible_persons(getattr(ward, role)).values_list("pk", flat=True))
    other_seen = set(policy.visible_persons(getattr(city, role)).values_list("pk", flat=True))

    assert home_seen and other_seen
    assert not home_seen & _ids(city.people)
    assert not other_seen & _ids(ward.people)


def test_each_wards_officer_sees_the_whole_of_their_ward(ward, city):
    assert set(policy.visible_persons(ward.ward_officer).values_list("pk", flat=True)) == _ids(ward.people)
    assert set(policy.visible_persons(city.ward_officer).values_list("pk", flat=True)) == _ids(city.people)


def test_a_person_of_the_other_ward_is_not_found(ward, city):
    from django.http import Http404

    for role in WARD_ROLES:
        with pytest.raises(Http404):
            policy.person_or_deny(getattr(ward, role), city.people.a1_agreed.pk)


def test_the_city_welfare_bureau_sees_every_ward(ward, city):
    seen = set(policy.visible_persons(city.city_welfare_officer).values_list("pk", flat=True))

    assert seen == _ids(ward.people) | _ids(city.people)
    assert policy.viewer_for(city.city_welfare_officer).is_professional


def test_the_crisis_management_office_sees_no_one_in_normal_times(city):
    assert not policy.visible_persons(city.city_crisis_officer).exists()
    assert not policy.visible_persons(city.city_crisis_officer, scope=DISASTER_SCOPE).exists()
    # Its one capability is to follow an event's dashboard, whose persons come through the disaster scope: none
    # until a ward declares an event.
    held = {c for c in policy.Capability if policy.can(city.city_crisis_officer, c)}
    assert held == {policy.Capability.VIEW_SAFETY_DASHBOARD}


def test_city_level_roles_sign_in_with_two_factors():
    from tsunagu.organisations.models import STAFF_KINDS, OrganisationKind

    assert {OrganisationKind.CITY_WELFARE, OrganisationKind.CITY_CRISIS} <= STAFF_KINDS


def test_an_agreement_cannot_reach_another_wards_districts(ward, city):
    # Each refusal inside its own savepoint: a refused m2m write leaves the transaction to be rolled back.
    with pytest.raises(ValidationError), transaction.atomic():
        AgreementFactory(
            organisation=ward.orgs.association,
            districts=[city.districts.a],
            consent_requirement=ConsentRequirement.REQUIRED,
        )
    with pytest.raises(ValidationError), transaction.atomic():
        ward.orgs.shakyo.service_districts.add(city.districts.b)
    with pytest.raises(ValidationError):
        ward.agreements.minsei.clean_districts([city.districts.a])


# --- the roster, per ward -------------------------------------------------------------------------------------


def test_a_roster_build_is_the_builders_wards(ward, city):
    from tsunagu.roster.services import roster_rules_create_defaults

    roster_rules_create_defaults()
    build = roster_build(user=ward.ward_officer, day=datetime.date(2024, 5, 1))

    assert build.municipality == city.home
    assert build.number == 2  # the home ward's second; the other ward numbers its own
    listed = set(RosterEntry.objects.filter(build=build).values_list("person_id", flat=True))
    assert not listed & _ids(city.people)
    assert RosterBuild.current_id(city.other.pk) == city.roster.pk
    assert RosterBuild.current_ids() == {build.pk, city.roster.pk}


def test_each_wards_community_sees_its_wards_current_build(ward, city):
    # A new build of the home ward does not take the other ward's listed persons out of its 町会's sight.
    from tsunagu.testing.personas import list_on_roster

    list_on_roster([ward.people.a1_agreed], number=2)
    seen = set(policy.visible_persons(city.association_member).values_list("pk", flat=True))

    assert city.people.a1_agreed.pk in seen


def test_the_distribution_register_is_the_wards_own(ward, city):
    other = distribution_create(
        user=city.ward_officer,
        organisation=city.orgs.association,
        agreement=city.agreements.association,
        build=city.roster,
        districts=[city.districts.a],
        form=DistributionForm.PDF,
    )

    assert distribution_get(user=ward.ward_officer, distribution_id=other.pk) is None
    assert other not in distribution_list(user=ward.ward_officer)
    assert distribution_get(user=city.ward_officer, distribution_id=other.pk) == other


def test_a_distribution_cannot_hand_out_another_wards_build(ward, city):
    with pytest.raises(DistributionRefusedError):
        distribution_create(
            user=ward.ward_officer,
            organisation=city.orgs.association,
            agreement=city.agreements.association,
            build=city.roster,
            districts=[city.districts.a],
            form=DistributionForm.PDF,
        )


@pytest.mark.parametrize("output_format", [OutputFormat.CSV_UTF8, OutputFormat.XLSX])
def test_a_district_output_of_the_other_ward_prints_no_one(ward, city, output_format):
    result = roster_output_district(
        user=ward.ward_officer,
        district=city.districts.a,
        output_format=output_format,
        purpose=AuditPurpose.DISASTER_PREP,
        build=city.roster,
    )

    assert not set(result.person_ids) & _ids(city.people)


# --- the towns import -----------------------------------------------------------------------------------------


def test_the_towns_import_fills_the_named_ward_and_keeps_other_wards_codes(ward, city):
    text = "町丁目コード,町丁目名,町丁目名かな,小学校区\n2710703,弁天一丁目,べんてんいっちょうめ,市岡小学校区\n"
    areas_import(source=text.encode(), municipality=city.other)

    town = Town.objects.get(code="2710703")
    assert town.municipality == city.other
    assert town.districts.get().pk == city.districts.a.pk  # the ward's own 市岡小学校区, not a new one

    header = "町丁目コード,町丁目名,町丁目名かな,小学校区\n"
    clash = f"{header}{ward.towns.a1.code},泉尾一丁目,いずおいっちょうめ,市岡小学校区\n"
    with pytest.raises(ImportFailed):
        areas_import(source=clash.encode(), municipality=city.other)
    assert Town.objects.get(code=ward.towns.a1.code).municipality == Municipality.home()


# --- every page and API -------------------------------------------------------------------------------------


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.pattern.converters


SWEEP_SKIPS = ("admin/", "api/schema/", "api/docs/", "accounts/logout/", "i18n/")


def sweep_addresses(city) -> list[str]:
    """Every GET address of the site, with the other ward's ids where an address takes one: each of its persons,
    its build number (the same number as the home ward's first build), its distribution."""
    values = {"number": [str(city.roster.number)], "distribution_id": [str(city.distribution.pk)]}
    values["person_id"] = [str(pk) for pk in sorted(_ids(city.people))]
    addresses = []
    for route, converters in _routes(get_resolver().url_patterns):
        if route.startswith(SWEEP_SKIPS) or "(?P<" in route or route.startswith("^"):
            continue
        if set(converters) - set(values):
            continue
        filled = [route]
        for name in converters:
            filled = [
                a.replace(f"<{kind}:{name}>", v)
                for a in filled
                for kind in ("str", "int")
                if f"<{kind}:{name}>" in a
                for v in values[name]
            ]
        addresses.extend("/" + a for a in filled)
    return addresses


@pytest.fixture
def city_with_copy(city):
    city.distribution = distribution_create(
        user=city.ward_officer,
        organisation=city.orgs.association,
        agreement=city.agreements.association,
        build=city.roster,
        districts=[city.districts.a],
        form=DistributionForm.PDF,
    )
    return city


def _leaks(client, addresses) -> dict[str, int]:
    leaks = {}
    for address in addresses:
        response = client.get(address)
        text = html.unescape(response.content.decode(errors="replace"))
        if OTHER_WARD_FAMILY_NAME in text:
            leaks[address] = response.status_code
    return leaks


@pytest.mark.parametrize("role", WARD_ROLES)
def test_no_page_of_one_ward_shows_the_other_wards_residents(ward, city_with_copy, role, verified_client):
    addresses = sweep_addresses(city_with_copy)
    assert {"/", "/people/", "/roster/", "/map/data.json", f"/people/{city_with_copy.people.a1_agreed.pk}/"} <= set(
        addresses
    )
    client = verified_client(getattr(ward, role))

    assert _leaks(client, addresses) == {}


def test_the_city_welfare_bureau_finds_residents_of_both_wards(ward, city, verified_client):
    client = verified_client(city.city_welfare_officer)

    for person in (ward.people.a1_agreed, city.people.a1_agreed):
        assert client.get(f"/people/{person.pk}/").status_code == 200
    assert OTHER_WARD_FAMILY_NAME in client.get("/people/", {"q": "ミナトノ"}).content.decode()


def test_the_crisis_management_office_opens_no_person_page(ward, city_with_copy, verified_client):
    client = verified_client(city_with_copy.city_crisis_officer)

    assert _leaks(client, sweep_addresses(city_with_copy)) == {}
    assert client.get(f"/people/{ward.people.a1_agreed.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["ward_officer", "association_member"])
def test_no_api_answer_of_one_ward_holds_the_other_wards_residents(ward, city_with_copy, role):
    client = token_client(getattr(ward, role))
    addresses = [a for a in sweep_addresses(city_with_copy) if a.startswith("/api/")]
    assert any("person" in a for a in addresses)

    assert _leaks(client, addresses) == {}


def test_the_crisis_management_office_reads_each_wards_counts(ward, city, verified_client):
    from tsunagu.portal.selectors.home import access_overview

    figures = {f.ward: (f.residents, f.listed) for f in access_overview(user=city.city_crisis_officer).city_figures}

    assert figures == {city.home.name: (7, 7), "港区": (5, 5)}
    page = verified_client(city.city_crisis_officer).get("/").content.decode()
    assert "港区" in page
    assert OTHER_WARD_FAMILY_NAME not in page


def test_a_wards_officer_reads_no_city_figures(ward, city):
    from tsunagu.portal.selectors.home import access_overview

    assert access_overview(user=ward.ward_officer).city_figures == []


def test_the_admin_refuses_an_agreement_on_another_wards_districts(ward, city):
    from tsunagu.organisations.admin import AgreementAdminForm

    data = {
        "organisation": ward.orgs.association.pk,
        "title": "協定",
        "districts": [city.districts.a.pk],
        "data_scopes": '["roster"]',
        "consent_requirement": ConsentRequirement.REQUIRED,
        "valid_from": "2024-04-01",
        "valid_to": "2025-03-31",
        "document_reference": "大正福第1号",
    }
    form = AgreementAdminForm(data)

    assert not form.is_valid()
    assert "districts" in form.errors
    assert AgreementAdminForm({**data, "districts": [ward.districts.a.pk]}).is_valid()


def test_letters_address_each_person_in_their_own_ward(ward, city, settings):
    from tsunagu.consent.pdf import postal_address
    from tsunagu.evacuation.pdf import municipality_postal_parts

    settings.TSUNAGU_MUNICIPALITY_NAME = "大阪府大阪市"
    settings.TSUNAGU_WARD_NAME = "大正区"

    assert postal_address(ward.people.a1_agreed).address.startswith("大阪府大阪市大正区泉尾一丁目")
    assert postal_address(city.people.a1_agreed).address.startswith("大阪府大阪市港区市岡一丁目")
    assert municipality_postal_parts({city.other.pk}) == {city.other.pk: ("大阪府大阪市", "港区")}


def test_the_header_names_the_viewers_ward(ward, city, verified_client):
    page = verified_client(city.ward_officer).get("/").content.decode()

    assert '<span class="brand__ward">港区</span>' in page
    assert '<span class="brand__ward">大正区</span>' in verified_client(ward.ward_officer).get("/").content.decode()


def test_the_audit_log_of_one_ward_holds_no_entry_of_the_others_staff(ward, city):
    from tsunagu.access.selectors import audit_log_page
    from tsunagu.audit.models import AuditAction
    from tsunagu.audit.selectors import AuditFilters
    from tsunagu.audit.services import audit_record

    audit_record(actor=city.ward_officer, action=AuditAction.LIST, target_type="person", query="港野")
    audit_record(actor=ward.ward_officer, action=AuditAction.LIST, target_type="person", query="髙橋")

    home = [e.query for e in audit_log_page(user=ward.ward_officer, filters=AuditFilters()).object_list]
    other = [e.query for e in audit_log_page(user=city.ward_officer, filters=AuditFilters()).object_list]

    assert "髙橋" in home and "港野" not in home
    assert "港野" in other and "髙橋" not in other


# --- the residents import --------------------------------------------------------------------------------------

OTHER_WARD_TOWN_CODE = "2710701"  # build_city's 市岡一丁目
RESIDENTS_CSV = Path(__file__).resolve().parents[1] / "people" / "tests" / "data" / "residents_utf8.csv"


def _residents_file(edit) -> bytes:
    """The test ward's sample resident file with its first row changed by `edit(row)`."""
    rows = list(csv.DictReader(io.StringIO(RESIDENTS_CSV.read_text(encoding="utf-8"), newline="")))
    edit(rows[0])
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_a_ward_officer_cannot_import_residents_into_another_wards_town(ward, city):
    other_town = Town.objects.get(code=OTHER_WARD_TOWN_CODE)
    data = _residents_file(lambda row: row.update({"町丁目コード": other_town.code}))
    before = Person.objects.count()

    with pytest.raises(ImportFailed) as failed:
        registry_residents_import(user=ward.ward_officer, source=data, filename="residents.csv")

    assert [(e.line, e.column) for e in failed.value.errors] == [(2, "町丁目コード")]
    assert "ほかの区" in failed.value.errors[0].message
    assert Person.objects.count() == before


def test_a_ward_officer_cannot_rewrite_a_resident_of_another_ward(ward, city):
    theirs = city.people.a1_agreed
    data = _residents_file(lambda row: row.update({"宛名番号": theirs.resident_number}))

    with pytest.raises(ImportFailed) as failed:
        registry_residents_import(user=ward.ward_officer, source=data, filename="residents.csv")

    assert [(e.line, e.column) for e in failed.value.errors] == [(2, "宛名番号")]
    theirs.refresh_from_db()
    assert theirs.family_name == OTHER_WARD_FAMILY_NAME


def test_the_system_imports_the_citys_file_for_every_ward(ward, city):
    """The city-wide file from the city's registry is imported on the server (the command without --user)."""
    data = _residents_file(lambda row: row.update({"町丁目コード": OTHER_WARD_TOWN_CODE}))

    result = registry_residents_import(user=None, source=data, filename="residents.csv")

    assert result.created > 0
    assert Person.objects.get(resident_number="300000001").town.code == OTHER_WARD_TOWN_CODE


def test_each_wards_map_shows_its_own_wards_build(ward, city):
    from tsunagu.portal.selectors.map_points import roster_map_marker, roster_map_points

    home = roster_map_points(user=ward.ward_officer, with_unlocated=True)
    other = roster_map_points(user=city.ward_officer, with_unlocated=True)

    assert home.counts["persons"] == RosterEntry.objects.filter(build=ward.roster).count() > 0
    assert other.counts["persons"] == RosterEntry.objects.filter(build=city.roster).count() > 0
    assert _unlocated_ids(other) <= _ids(city.people)
    # A marker's details come from the viewer's ward's build, so the other ward's officer gets them too.
    assert roster_map_marker(user=city.ward_officer, person_id=city.people.a1_agreed.pk) is not None


def _unlocated_ids(points) -> set[int]:
    return {entry["id"] for entry in points.unlocated}
