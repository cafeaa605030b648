import datetime
import re
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import ProtectedError
from django.utils import timezone

from tsunagu.access.policy import visible_persons
from tsunagu.accounts.models import User
from tsunagu.areas.models import District, DistrictType, Town, TownDistrict
from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.audit.selectors import audit_verify
from tsunagu.core.japanese import kana_search_key, name_search_key
from tsunagu.core.wareki import ERAS, age_on
from tsunagu.demo.management.commands.demo_logins import DEMO_URL, NO_DEMO_USERS_MESSAGE
from tsunagu.demo.management.commands.generate_ward import ALREADY_HAS_RESIDENTS_MESSAGE, REPLACE_BLOCKED_MESSAGE
from tsunagu.demo.names import FAMILY_NAME_VARIANTS, family_name_table
from tsunagu.demo.ward import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    SIZE_TOO_SMALL_MESSAGE,
    SUPPORTER_CANDIDATES,
    VARIANTS_GUARANTEED_FROM,
    WARD_NOT_EMPTY_MESSAGE,
    WardNotEmptyError,
    generate_ward,
)
from tsunagu.evacuation.models import CandidateKind, SupporterCandidate
from tsunagu.organisations.models import (
    CITY_KINDS,
    Agreement,
    ConsentRequirement,
    DataScope,
    Organisation,
    OrganisationKind,
)
from tsunagu.people.models import (
    CareLevel,
    Consent,
    ConsentStatus,
    Household,
    Person,
    ResidencyEvent,
    ResidencyEventKind,
    ResidentStatus,
)
from tsunagu.roster.models import RosterBuild, RosterEntry
from tsunagu.testing.factories import TownFactory

pytestmark = pytest.mark.django_db

SMALL = 600
# Large enough that every share the tests look at is far from zero, small enough to build in about a second.
MEDIUM = VARIANTS_GUARANTEED_FROM
REFERENCE_DAY = datetime.date(2026, 6, 1)
# Stored readings: full-width katakana words, separated by a 全角 space (foreign residents' given names).
KATAKANA_READING = re.compile("[\u30a1-\u30fa\u30fc]+(\u3000[\u30a1-\u30fa\u30fc]+)*")
TAISHO, SHOWA, HEISEI, REIWA = (era for era in ERAS if era.name in ("大正", "昭和", "平成", "令和"))


def user(username):
    return User.objects.get(username=username)


def visible_ids(username):
    return set(visible_persons(user(username)).values_list("pk", flat=True))


def latest_consents():
    """Each person's latest consent to share the roster (watch-over consents are a scope of their own)."""
    latest = {}
    for consent in Consent.objects.filter(scope=DataScope.ROSTER).order_by("recorded_at", "id"):
        latest[consent.person_id] = consent
    return latest


def snapshot():
    persons = Person.objects.order_by("resident_number").values_list(
        "resident_number", "family_name", "given_name", "given_name_kana", "birth_date", "sex", "town__code",
        "address", "address_extra", "phone", "household__number", "status", "status_changed_on", "care_level",
        "physical_disability_grade", "intellectual_disability_grade", "mental_disability_grade",
    )
    consents = Consent.objects.order_by("person__resident_number", "id").values_list(
        "person__resident_number", "status", "recipient_kinds", "decided_on"
    )
    return list(persons), list(consents)


def test_ward_has_taisho_wards_layers_and_every_town_in_one_district_of_each_type():
    summary = generate_ward(size=SMALL)

    types = {t.code: t for t in DistrictType.objects.all()}
    counts = {code: District.objects.filter(district_type=t).count() for code, t in types.items()}
    assert counts == {"school": 10, "branch_office": 3, "association_federation": 10, "minsei": 50}
    assert summary.districts == {"小学校区": 10, "出張所管内": 3, "連合町会": 10, "民生委員担当区域": 50}
    assert Town.objects.count() == summary.towns == 50
    assert Town.objects.filter(name="三軒家東一丁目", code="0004001").exists()
    assert set(Town.objects.filter(name__startswith="泉尾").values_list("name", flat=True)) == {
        f"泉尾{n}丁目" for n in "一二三四五六七"
    }
    for town in Town.objects.all():
        assert re.fullmatch(r"\d{7}", town.code)
        assert town.name_kana
        assert sorted(TownDistrict.objects.filter(town=town).values_list("district_type__code", flat=True)) == sorted(
            types
        )

    school_towns = {
        d.pk: set(d.towns.values_list("pk", flat=True)) for d in District.objects.filter(district_type__code="school")
    }
    for area in District.objects.filter(district_type__code="minsei"):
        towns = set(area.towns.values_list("pk", flat=True))
        assert towns
        assert sum(towns <= members for members in school_towns.values()) == 1


def test_households_share_surname_and_address_and_carry_the_living_situation():
    summary = generate_ward(size=SMALL)
    today = timezone.localdate()

    assert Person.objects.count() == summary.persons == SMALL
    assert Household.objects.count() == summary.households
    by_household = defaultdict(list)
    for person in Person.objects.all():
        by_household[person.household_id].append(person)
    sizes = [len(members) for members in by_household.values()]
    assert 0.30 < sizes.count(1) / len(sizes) < 0.50  # 単身 about 40 %
    for members in by_household.values():
        assert len({p.family_name for p in members}) == 1
        assert len({(p.town_id, p.address, p.address_extra) for p in members}) == 1
        all_elderly = all(age_on(p.birth_date, today) >= 65 for p in members)
        for p in members:
            assert p.lives_alone == (len(members) == 1)
            assert p.elderly_only_household == all_elderly
    assert Person.objects.exclude(address_extra="").filter(address_extra__regex=r" \d+号$").exists()
    assert Person.objects.filter(phone__regex=r"^06-655\d-\d{4}$").exists()
    assert Person.objects.filter(phone__regex=r"^0[789]0-\d{4}-\d{4}$").exists()
    assert Person.objects.filter(phone="").exists()


def test_names_have_katakana_readings_and_the_stored_search_keys():
    generate_ward(size=SMALL)

    for p in Person.objects.all():
        assert KATAKANA_READING.fullmatch(p.family_name_kana), p.family_name_kana
        assert KATAKANA_READING.fullmatch(p.given_name_kana), p.given_name_kana
        assert p.name_key == name_search_key(p.family_name + p.given_name)
        assert p.kana_key == kana_search_key(p.family_name_kana + p.given_name_kana)


def test_variant_spellings_appear_and_fold_to_the_standard_form():
    generate_ward(size=VARIANTS_GUARANTEED_FROM)

    present = set(Person.objects.values_list("family_name", flat=True))
    assert {variant for variant, _base, _reading in FAMILY_NAME_VARIANTS} <= present
    assert Person.objects.filter(family_name__contains="髙").exists()
    assert Person.objects.filter(family_name__contains="﨑").exists()
    takahashi = Person.objects.filter(family_name="髙橋").first()
    assert takahashi.family_name_kana == "タカハシ"
    assert takahashi.name_key == name_search_key("高橋") + name_search_key(takahashi.given_name)


def test_variant_spellings_are_drawn_at_a_small_share_of_their_base_spelling():
    table = family_name_table()
    previous = (0.0, *table.cum_weights[:-1])
    weight = {name: cum - before for name, cum, before in zip(table.names, table.cum_weights, previous, strict=True)}
    readings = dict(table.names)
    for variant, base, _reading in FAMILY_NAME_VARIANTS:
        assert readings[variant] == readings[base]
        share = weight[(variant, readings[variant])] / weight[(base, readings[base])]
        assert share == pytest.approx(0.02, abs=0.0101), variant  # 1–3 % of the base spelling


def test_variant_spellings_are_not_forced_into_a_small_ward():
    generate_ward(size=SMALL)

    variants = {variant for variant, _base, _reading in FAMILY_NAME_VARIANTS}
    assert len(variants & set(Person.objects.values_list("family_name", flat=True))) < len(variants)


def test_birth_dates_run_from_taisho_to_reiwa_on_an_old_inner_city_pyramid():
    summary = generate_ward(size=3000, today=REFERENCE_DAY)

    births = list(Person.objects.values_list("birth_date", flat=True))
    assert all(TAISHO.start <= b < REFERENCE_DAY for b in births)  # nobody from 明治, nobody unborn
    for era in (TAISHO, SHOWA, HEISEI, REIWA):
        assert any(era.contains(b) for b in births), era.name
    # 大正 births are centenarians now: about 0.1 % of the ward, as in Japan's population.
    taisho = sum(TAISHO.contains(b) for b in births)
    assert 1 <= taisho <= 10

    residents = Person.objects.filter(status=ResidentStatus.RESIDENT)
    elderly = [p for p in residents if age_on(p.birth_date, REFERENCE_DAY) >= 65]
    assert 0.27 <= len(elderly) / residents.count() <= 0.32
    assert summary.aged_65_plus == len(elderly)

    certified = [p for p in elderly if p.care_level]
    assert 0.14 <= len(certified) / len(elderly) <= 0.25
    assert {p.care_level for p in certified} == set(CareLevel.values)
    # Certification is more common with age.
    old_old = [p for p in elderly if age_on(p.birth_date, REFERENCE_DAY) >= 85]
    young_old = [p for p in elderly if age_on(p.birth_date, REFERENCE_DAY) < 75]
    assert sum(bool(p.care_level) for p in old_old) / len(old_old) > 3 * (
        sum(bool(p.care_level) for p in young_old) / len(young_old)
    )

    total = Person.objects.count()
    assert 0.02 <= Person.objects.filter(physical_disability_grade__isnull=False).count() / total <= 0.05
    assert 0.003 <= Person.objects.exclude(intellectual_disability_grade="").count() / total <= 0.015
    assert 0.004 <= Person.objects.filter(mental_disability_grade__isnull=False).count() / total <= 0.018
    assert Person.objects.filter(intractable_disease=True).exists()


def test_the_same_seed_gives_the_same_ward_and_another_seed_another():
    generate_ward(size=300, seed=7, today=REFERENCE_DAY)
    first = snapshot()

    generate_ward(size=300, seed=7, today=REFERENCE_DAY, replace=True)
    assert snapshot() == first

    generate_ward(size=300, seed=8, today=REFERENCE_DAY, replace=True)
    assert snapshot() != first


def test_residency_history_and_consents_are_dated_and_kept():
    generate_ward(size=MEDIUM)
    today = timezone.localdate()

    events = defaultdict(list)
    for event in ResidencyEvent.objects.all():
        events[event.person_id].append(event)
    assert Person.objects.filter(status=ResidentStatus.MOVED_OUT).exists()
    assert Person.objects.filter(status=ResidentStatus.DECEASED).exists()
    assert ResidencyEvent.objects.filter(kind=ResidencyEventKind.MOVED_WITHIN).exists()
    for person in Person.objects.all():
        kinds = [e.kind for e in events[person.pk]]
        assert kinds.count(ResidencyEventKind.REGISTERED) == 1
        registered = next(e.occurred_on for e in events[person.pk] if e.kind == ResidencyEventKind.REGISTERED)
        assert person.birth_date <= registered <= today
        closing = {
            ResidentStatus.MOVED_OUT: ResidencyEventKind.MOVED_OUT,
            ResidentStatus.DECEASED: ResidencyEventKind.DIED,
        }
        if person.status == ResidentStatus.RESIDENT:
            assert person.status_changed_on is None
            assert not set(kinds) & set(closing.values())
        else:
            assert registered <= person.status_changed_on <= today
            assert [e.occurred_on for e in events[person.pk] if e.kind == closing[person.status]] == [
                person.status_changed_on
            ]

    latest = latest_consents()
    statuses = [c.status for c in latest.values()]
    assert statuses.count(ConsentStatus.AGREED) > 4 * statuses.count(ConsentStatus.REFUSED) > 0
    assert set(Consent.objects.values_list("method", flat=True)) <= {"郵送", "訪問", "窓口"}
    assert all(c.decided_on <= today for c in Consent.objects.all())
    for withdrawal in Consent.objects.filter(status=ConsentStatus.WITHDRAWN, scope=DataScope.ROSTER):
        assert latest[withdrawal.person_id] == withdrawal
        assert Consent.objects.filter(
            person_id=withdrawal.person_id, status=ConsentStatus.AGREED, decided_on__lte=withdrawal.decided_on
        ).exists()
    # Consent to the roster is asked of the residents a roster would list, not of everyone (a household watched
    # as one gives its watch-over consent, roster or not).
    assert not Consent.objects.filter(
        scope=DataScope.ROSTER,
        person__care_level="", person__physical_disability_grade__isnull=True,
        person__intellectual_disability_grade="", person__mental_disability_grade__isnull=True,
        person__lives_alone=False,
    ).exists()


def test_organisations_and_agreements_include_an_expired_and_a_revoked_one():
    generate_ward(size=SMALL)
    today = timezone.localdate()

    # Every kind of a ward; the city's bureau and office come with a city of several wards (test_city.py).
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(OrganisationKind.values) - CITY_KINDS
    assert Organisation.objects.filter(kind=OrganisationKind.NEIGHBOURHOOD).count() == 10
    assert not Agreement.objects.filter(organisation__kind=OrganisationKind.NPO).exists()
    for agreement in Agreement.objects.all():
        assert re.fullmatch(r"大正福第\d+号", agreement.document_reference)
        assert agreement.valid_from <= agreement.valid_to

    expired = Agreement.objects.filter(valid_to__lt=today, revoked_at__isnull=True)
    assert [a.organisation for a in expired] == [user("chonaikai_expired").memberships.get().organisation]
    revoked = Agreement.objects.get(revoked_at__isnull=False)
    assert revoked.revoked_reason
    assert revoked.revoked_at <= timezone.now()
    in_force = [a for a in Agreement.objects.all() if a.is_valid_on(today)]
    assert len(in_force) == Agreement.objects.count() - 2

    minsei = Agreement.objects.get(organisation__kind=OrganisationKind.MINSEI)
    assert minsei.consent_requirement == ConsentRequirement.OPT_OUT
    school_districts = set(District.objects.filter(district_type__code="school"))
    assert school_districts <= set(minsei.districts.all())
    for agreement in Agreement.objects.filter(organisation__kind=OrganisationKind.NEIGHBOURHOOD):
        assert agreement.consent_requirement == ConsentRequirement.REQUIRED
        assert agreement.data_scopes == ["roster"]
        assert [d.district_type.code for d in agreement.districts.all()] == ["school"]


def listed_on_roster() -> set[int]:
    latest = RosterBuild.objects.order_by("-number").first()
    return set(RosterEntry.objects.filter(build=latest).values_list("person_id", flat=True))


def test_the_generated_ward_has_a_roster_built_by_the_default_rules():
    generate_ward(size=MEDIUM)
    build = RosterBuild.objects.get()
    assert build.person_count == len(listed_on_roster()) > 0
    care3 = Person.objects.filter(care_level__in=["care_3", "care_4", "care_5"], status=ResidentStatus.RESIDENT)
    assert set(care3.values_list("pk", flat=True)) <= listed_on_roster()


def test_the_neighbourhood_login_sees_only_consenting_residents_of_its_school_district():
    generate_ward(size=MEDIUM)

    district = District.objects.get(district_type__code="school", name="泉尾東小学校区")
    latest = latest_consents()
    expected = {
        p.pk
        for p in Person.objects.filter(town__town_districts__district=district, status=ResidentStatus.RESIDENT)
        if p.pk in listed_on_roster()
        and p.pk in latest
        and latest[p.pk].status == ConsentStatus.AGREED
        and latest[p.pk].covers_kind(OrganisationKind.NEIGHBOURHOOD)
    }
    assert expected
    assert visible_ids("chonaikai") == expected


def test_the_ward_login_sees_everyone_and_the_others_see_nobody():
    generate_ward(size=SMALL)

    assert visible_ids("ward") == set(Person.objects.values_list("pk", flat=True))
    assert Person.objects.exclude(status=ResidentStatus.RESIDENT).exists()
    for username in ("ward_clerk", "chonaikai_expired", "npo"):
        assert visible_ids(username) == set(), username


def test_the_commissioner_login_sees_its_area_except_refusals_and_the_care_plaza_its_districts():
    generate_ward(size=MEDIUM)

    membership = user("minsei").memberships.get()
    area = membership.districts.get()
    assert area.district_type.code == "minsei"
    area_towns = set(area.towns.values_list("pk", flat=True))
    latest = latest_consents()
    expected = {
        p.pk
        for p in Person.objects.filter(town__in=area_towns, status=ResidentStatus.RESIDENT)
        if p.pk in listed_on_roster()
        and (p.pk not in latest or latest[p.pk].status not in (ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN))
    }
    assert expected
    assert visible_ids("minsei") == expected

    plaza = user("careplaza").memberships.get().organisation
    plaza_towns = set(
        Town.objects.filter(town_districts__district__in=plaza.service_districts.all()).values_list("pk", flat=True)
    )
    visible = Person.objects.filter(pk__in=visible_ids("careplaza"))
    assert visible.exists()
    assert set(visible.values_list("town_id", flat=True)) <= plaza_towns
    assert visible.count() == Person.objects.filter(town__in=plaza_towns, status=ResidentStatus.RESIDENT).count()


def test_demo_logins_use_the_demo_password():
    generate_ward(size=SMALL)

    for login in DEMO_LOGINS:
        assert user(login.username).check_password(DEMO_PASSWORD), login.username
    assert not user("ward").check_password("wrong-password")


def test_generation_is_audited_and_the_chain_verifies():
    before = AuditEntry.objects.count()

    summary = generate_ward(size=SMALL, seed=3)

    entry = AuditEntry.objects.order_by("-seq").first()
    new = list(AuditEntry.objects.order_by("seq")[before:])
    # The generator's own entries: the roster build and, last, the generation. The demo's consultations and forums
    # are written through their services, which log each write as the demo staff member who made it (or as the
    # system, for its automatic work).
    assert [e.target_type for e in new].count("roster_build") == 1
    # (An empty actor: the system's own automatic work, such as flagging persons for outreach.)
    demo_staff = {"", *User.objects.values_list("username", flat=True)}
    others = [e for e in new if e.target_type != "roster_build" and e != entry]
    assert {(e.actor_username, e.target_type) for e in others if e.actor_username not in demo_staff} == set()
    assert entry.action == AuditAction.IMPORT
    assert entry.actor_username == "generate_ward"
    assert entry.detail["synthetic"] is True
    assert (entry.detail["seed"], entry.detail["persons"]) == (3, summary.persons)
    assert audit_verify()[1] == []


def test_generation_refuses_a_database_that_already_holds_a_ward():
    generate_ward(size=300)

    with pytest.raises(WardNotEmptyError) as refused:
        generate_ward(size=300, seed=2)

    assert str(refused.value) == str(WARD_NOT_EMPTY_MESSAGE)
    assert Person.objects.count() == 300


def test_generation_refuses_imported_areas_too():
    TownFactory(code="0001001", name="泉尾一丁目")

    with pytest.raises(WardNotEmptyError):
        generate_ward(size=300)

    assert not Person.objects.exists()


def test_replace_deletes_the_old_ward_but_keeps_the_audit_log():
    generate_ward(size=300, seed=1)
    entries = AuditEntry.objects.count()

    summary = generate_ward(size=400, seed=2, replace=True)

    assert Person.objects.count() == 400
    assert summary.replaced == {"persons": 300, "organisations": Organisation.objects.count()}
    assert User.objects.filter(username="ward").count() == 1
    # The old ward's entries are kept; the new ward's follow them (its roster build, its demo staff's writes, and
    # the generation last).
    assert AuditEntry.objects.order_by("seq")[entries - 1].seq < AuditEntry.objects.order_by("-seq").first().seq
    assert AuditEntry.objects.filter(target_type="roster_build").count() == 2
    assert audit_verify()[1] == []


def test_a_ward_below_the_minimum_size_is_refused():
    with pytest.raises(ValueError) as refused:
        generate_ward(size=99)

    assert str(refused.value) == str(SIZE_TOO_SMALL_MESSAGE)
    assert not Town.objects.exists()


def test_command_if_empty_generates_once_then_leaves_the_data_alone():
    out = StringIO()
    call_command("generate_ward", "--if-empty", "--size", "300", stdout=out)
    assert Person.objects.count() == 300
    assert "合成データの区" in out.getvalue()
    assert "所要時間" in out.getvalue()
    entries = AuditEntry.objects.count()

    again = StringIO()
    call_command("generate_ward", "--if-empty", "--size", "500", stdout=again)

    assert again.getvalue() == str(ALREADY_HAS_RESIDENTS_MESSAGE).format(count=300) + "\n"
    assert Person.objects.count() == 300
    assert AuditEntry.objects.count() == entries


def test_command_refuses_existing_data_without_replace_and_replaces_with_it():
    call_command("generate_ward", "--size", "300", stdout=StringIO())

    with pytest.raises(CommandError) as refused:
        call_command("generate_ward", "--size", "300", "--seed", "2", stdout=StringIO())
    assert str(refused.value) == str(WARD_NOT_EMPTY_MESSAGE)

    out = StringIO()
    call_command("generate_ward", "--size", "350", "--seed", "2", "--replace", stdout=out)
    assert Person.objects.count() == 350
    assert "既存のデータを削除しました" in out.getvalue()


def test_command_reports_a_too_small_size():
    with pytest.raises(CommandError) as refused:
        call_command("generate_ward", "--size", "10", stdout=StringIO())

    assert str(refused.value) == str(SIZE_TOO_SMALL_MESSAGE)


def test_demo_logins_prints_each_login_with_what_it_sees():
    generate_ward(size=SMALL)
    out = StringIO()

    call_command("demo_logins", stdout=out)

    text = out.getvalue()
    assert text.startswith(f"tsunagu デモ: {DEMO_URL}\n")
    for login in DEMO_LOGINS:
        line = next(line for line in text.splitlines() if line.startswith(login.username + " "))
        assert DEMO_PASSWORD in line
        assert str(login.role) in line
    everyone = Person.objects.count()
    assert f"（{everyone:,}人）" in next(line for line in text.splitlines() if line.startswith("ward "))
    assert "二要素認証" in text


def test_demo_logins_before_generation_says_what_to_run():
    out = StringIO()

    call_command("demo_logins", stdout=out)

    assert out.getvalue().splitlines() == [f"tsunagu デモ: {DEMO_URL}", str(NO_DEMO_USERS_MESSAGE)]


def test_command_reports_records_of_other_features_that_block_replacing(monkeypatch):
    call_command("generate_ward", "--size", "300", stdout=StringIO())

    def blocked():
        raise ProtectedError("protected", set())

    monkeypatch.setattr("tsunagu.demo.ward._clear_ward", blocked)
    with pytest.raises(CommandError) as refused:
        call_command("generate_ward", "--size", "300", "--replace", stdout=StringIO())

    assert str(refused.value) == str(REPLACE_BLOCKED_MESSAGE)
    assert Person.objects.count() == 300


def test_every_person_and_supporter_candidate_has_a_place_in_the_ward():
    generate_ward(size=SMALL, seed=5)

    south, north, west, east = 34.640, 34.680, 135.455, 135.485
    persons = list(Person.objects.values_list("latitude", "longitude", "household_id", "town_id"))
    assert all(lat is not None and lon is not None for lat, lon, _h, _t in persons)
    assert all(south <= lat <= north and west <= lon <= east for lat, lon, _h, _t in persons)
    # A household lives at one address, so at one point; different households at different points.
    by_household = defaultdict(set)
    for lat, lon, household, _town in persons:
        by_household[household].add((lat, lon))
    assert all(len(points) == 1 for points in by_household.values())
    assert len({next(iter(points)) for points in by_household.values()}) > 0.95 * len(by_household)
    # Points cluster by 町丁目: a town's residents lie within a few hundred metres of each other.
    by_town = defaultdict(list)
    for lat, _lon, _household, town in persons:
        by_town[town].append(float(lat))
    assert all(max(lats) - min(lats) < 0.004 for lats in by_town.values())

    candidates = list(SupporterCandidate.objects.all())
    assert len(candidates) == SUPPORTER_CANDIDATES
    assert {c.kind for c in candidates} == set(CandidateKind.values)
    assert {c.capacity for c in candidates} == {1, 2, 3}
    assert sum(c.capacity == 2 for c in candidates) > len(candidates) / 2
    assert all(c.is_active and c.name and c.address.startswith("大阪市大正区") for c in candidates)
    assert all(south <= c.latitude <= north and west <= c.longitude <= east for c in candidates)


def test_places_are_deterministic_and_replace_removes_candidates():
    generate_ward(size=300, seed=7, today=REFERENCE_DAY)
    first = list(Person.objects.order_by("resident_number").values_list("latitude", "longitude"))
    first_candidates = list(SupporterCandidate.objects.order_by("name", "latitude").values_list("name", "latitude"))

    generate_ward(size=300, seed=7, today=REFERENCE_DAY, replace=True)

    assert list(Person.objects.order_by("resident_number").values_list("latitude", "longitude")) == first
    again = list(SupporterCandidate.objects.order_by("name", "latitude").values_list("name", "latitude"))
    assert again == first_candidates
    assert SupporterCandidate.objects.count() == SUPPORTER_CANDIDATES


def test_the_demo_ward_has_a_shelter_per_school_district_for_maps_and_plans():
    from tsunagu.shelters.models import Shelter

    generate_ward(size=SMALL)
    shelters = Shelter.objects.filter(code__startswith="demo-")
    assert shelters.count() == District.objects.filter(district_type__code="school").count() == 10
    assert shelters.filter(is_welfare_shelter=True).count() == 2
    assert all(s.latitude is not None and s.longitude is not None for s in shelters)
    generate_ward(size=SMALL, replace=True)
    assert Shelter.objects.filter(code__startswith="demo-").count() == 10


def test_every_town_has_a_taisho_ward_postal_code_shared_by_its_chome():
    generate_ward(size=SMALL)

    codes = dict(Town.objects.values_list("name", "postal_code"))
    assert all(re.fullmatch(r"5510\d\d\d", code) for code in codes.values())
    assert {codes[f"泉尾{n}丁目"] for n in "一二三四五六七"} == {"5510031"}
    assert codes["三軒家東一丁目"] == "5510002"
    assert Town.objects.get(name="泉尾一丁目").postal_code_display == "551-0031"
