"""Issue 3, acceptance 8: the roster PDF for 3,000 persons (`roster_pdf_seconds_3000`, SQLite) and the roster
build over 1,000,000 residents (`roster_build_seconds_1m`, PostgreSQL). Goal: each under 10 s.

The parent functions are registered with run.py's @benchmark; the measurements run in Django workers on
scratch databases (see harness.py). Synthetic residents are generated here, deterministically."""

from __future__ import annotations

import datetime
import importlib
import os
import random
import sys
import time

import harness

N_PDF = int(os.environ.get("BENCH_ROSTER_PDF_PERSONS", "3000"))
N_TOWNS = 120
SEED = 20240601

SURNAMES = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("髙橋", "タカハシ"), ("田中", "タナカ"), ("伊藤", "イトウ"),
    ("渡邉", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("山﨑", "ヤマサキ"), ("齋藤", "サイトウ"),
]  # fmt: skip
GIVEN = [
    ("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("和子", "カズコ"), ("清", "キヨシ"),
    ("幸子", "サチコ"), ("茂", "シゲル"), ("節子", "セツコ"), ("実", "ミノル"), ("洋子", "ヨウコ"),
]  # fmt: skip


def _benchmark_decorator():
    # run.py is usually __main__; imported under its own name it is "run" (then already partly initialised).
    main = sys.modules.get("__main__")
    run = main if hasattr(main, "BENCHMARKS") and hasattr(main, "benchmark") else importlib.import_module("run")
    return run.benchmark


benchmark = _benchmark_decorator()


@benchmark
def roster_pdf_sqlite() -> dict[str, float]:
    """The ward's district copy of 3,000 listed persons as PDF, through the output service (policy + audit)."""
    with harness.scratch_sqlite("roster-pdf") as url:
        return harness.run_worker("roster_bench:measure_pdf", url)


@benchmark
def roster_build_postgres() -> dict[str, float]:
    """roster_build over BENCH_SIZE (1,000,000) residents of a generated ward beside the bare INSERT … SELECT."""
    if not harness.postgres_answers():
        print("  PostgreSQL does not answer at 127.0.0.1:5432: roster build figures skipped")
        return {}
    with harness.scratch_postgres() as url:
        return harness.run_worker("roster_bench:measure_build", url)


def _towns():
    from tsunagu.areas.models import District, DistrictType, Town, TownDistrict

    kind = DistrictType.objects.create(code="school", name="小学校区")
    district = District.objects.create(district_type=kind, code="ALL", name="大正区全域")
    towns = Town.objects.bulk_create(Town(code=f"{27100000 + n:08d}", name=f"大正{n}丁目") for n in range(N_TOWNS))
    TownDistrict.objects.bulk_create(TownDistrict(town=t, district=district, district_type=kind) for t in towns)
    return district, [t.pk for t in towns]


def measure_pdf(*flags: str) -> dict[str, float]:
    from django.utils import timezone

    from tsunagu.accounts.models import User
    from tsunagu.audit.models import AuditPurpose
    from tsunagu.organisations.models import Membership, MembershipRole, Organisation, OrganisationKind
    from tsunagu.people.models import Person, Sex
    from tsunagu.roster.models import RosterBuild, RosterEntry, RosterEntryReason
    from tsunagu.roster.outputs import OutputFormat, roster_output_district
    from tsunagu.roster.services import entry_of, roster_rules_create_defaults

    rng = random.Random(SEED)
    district, town_ids = _towns()
    persons = []
    for n in range(N_PDF):
        family, given = rng.choice(SURNAMES), rng.choice(GIVEN)
        persons.append(
            Person(
                resident_number=str(300000000 + n), family_name=family[0], given_name=given[0],
                family_name_kana=family[1], given_name_kana=given[1], name_key=family[0] + given[0],
                kana_key=family[1] + given[1], birth_date=datetime.date(1930 + rng.randrange(20), 5, 3),
                sex=rng.choice((Sex.MALE, Sex.FEMALE)), town_id=rng.choice(town_ids),
                address=f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}",
                address_extra=f"ハイツ大正{rng.randint(1, 5)}0{rng.randint(1, 9)}" if rng.random() < 0.3 else "",
                phone=f"06-6{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}", care_level="care_3",
                lives_alone=rng.random() < 0.5,
            )
        )  # fmt: skip
    Person.objects.bulk_create(persons, batch_size=1000)
    rules = roster_rules_create_defaults()
    build = RosterBuild.objects.create(
        number=1, built_at=timezone.now(), reference_date=timezone.localdate(), person_count=N_PDF
    )
    persons = list(Person.objects.all())
    RosterEntry.objects.bulk_create(
        (entry_of(build, p) for p in persons),
        batch_size=1000,
    )
    RosterEntryReason.objects.bulk_create(
        (
            RosterEntryReason(build=build, person=p, rule=rule, label=rule.label)
            for p in persons
            for rule in rules[: 1 + (p.pk % 2)]
        ),
        batch_size=1000,
    )
    officer = User.objects.create(username="bench_officer")
    ward = Organisation.objects.create(name="大正区役所 保健福祉課", kind=OrganisationKind.WARD_WELFARE)
    Membership.objects.create(user=officer, organisation=ward, role=MembershipRole.STAFF)

    started = time.perf_counter()
    result = roster_output_district(
        user=officer, district=district, output_format=OutputFormat.PDF, purpose=AuditPurpose.DISASTER_PREP
    )
    seconds = time.perf_counter() - started
    assert len(result.person_ids) == N_PDF, len(result.person_ids)
    print(f"  PDF of {N_PDF:,} persons: {seconds:.2f} s, {len(result.content) / 1e6:.1f} MB")
    return {"roster_pdf_seconds_3000": round(seconds, 2)}


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _bare_listing_sql(day: datetime.date) -> tuple[str, list]:
    """The default rules written by hand as one WHERE clause: the database's own fastest way to pick the listed
    persons (no reasons, no audit, no Django)."""
    condition = (
        "p.status = 'resident' AND ("
        " p.care_level IN ('care_3', 'care_4', 'care_5')"
        " OR p.physical_disability_grade <= 2"
        " OR p.intellectual_disability_grade = 'A'"
        " OR p.mental_disability_grade <= 1"
        " OR p.intractable_disease"
        " OR (p.lives_alone AND p.birth_date <= %s)"
        " OR p.id IN (SELECT r.person_id FROM roster_selfrequest r WHERE r.requested_on <= %s"
        "   AND (r.withdrawn_on IS NULL OR r.withdrawn_on > %s)))"
    )
    return condition, [_years_before(day, 75), day, day]


def _bare_insert_select(day: datetime.date) -> tuple[float, int]:
    """INSERT … SELECT of the same listed persons with the same snapshot columns into the same table, in one
    committed transaction (under a build row of its own, removed afterwards, untimed)."""
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from tsunagu.roster.models import RosterBuild, RosterEntry
    from tsunagu.roster.services import SNAPSHOT_FIELDS

    condition, params = _bare_listing_sql(day)
    number = (RosterBuild.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    build = RosterBuild.objects.create(number=number, built_at=timezone.now(), reference_date=day)
    columns = ", ".join(SNAPSHOT_FIELDS)
    sql = (
        f"INSERT INTO {RosterEntry._meta.db_table} (build_id, person_id, {columns}, person_town_id) "
        f"SELECT %s, p.id, {', '.join('p.' + c for c in SNAPSHOT_FIELDS)}, p.town_id FROM people_person p "
        f"WHERE {condition}"
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [build.pk, *params])
        rows = cursor.rowcount
    seconds = time.perf_counter() - started
    RosterEntry.objects.filter(build=build).delete()
    build.delete()
    return seconds, rows


def measure_build(*flags: str) -> dict[str, float]:
    """Issue 7, item 6: a ward made by generate_ward (BENCH_SIZE residents), then roster_build beside the bare
    INSERT … SELECT of the same listed persons into the same table. Best of three of each, alternating."""
    from django.db import connection
    from django.utils import timezone

    from tsunagu.demo.ward import generate_ward
    from tsunagu.roster.models import RosterEntry
    from tsunagu.roster.services import roster_build

    size = int(os.environ.get("BENCH_SIZE", os.environ.get("BENCH_ROSTER_BUILD_RESIDENTS", "1000000")))
    day = timezone.localdate()
    started = time.perf_counter()
    generate_ward(size=size, today=day)
    print(f"  generate_ward --size {size:,}: {time.perf_counter() - started:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    builds, bares = [], []
    for _ in range(3):
        bare_seconds, bare_rows = _bare_insert_select(day)
        bares.append(bare_seconds)
        started = time.perf_counter()
        build = roster_build(day=day)
        builds.append(time.perf_counter() - started)
        listed = RosterEntry.objects.filter(build=build).count()
        assert listed == bare_rows, (listed, bare_rows)
    seconds, bare = min(builds), min(bares)
    print(
        f"  roster_build: {seconds:.2f} s (runs {', '.join(f'{s:.2f}' for s in builds)}), bare INSERT … SELECT "
        f"{bare:.2f} s (runs {', '.join(f'{s:.2f}' for s in bares)}), {listed:,} listed ({listed / size:.1%})"
    )
    suffix = "_1m" if size == 1_000_000 else f"_{size}"
    return {f"roster_build_seconds{suffix}": round(seconds, 2), f"roster_build_ratio{suffix}": round(seconds / bare, 2)}
