"""Writes for the roster: building a new version and recording distributions."""

import datetime
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Max, Q, QuerySet
from django.utils import timezone

from tsunagu.access.policy import viewer_for
from tsunagu.areas.models import Town, home_municipality_id
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core.bulk import insert_select
from tsunagu.core.figures import figures_changed
from tsunagu.people.models import Person, ResidentStatus

from ..models import RosterBuild, RosterEntry, RosterEntryReason, RosterRule, RuleKind, SelfRequest
from ..rules import listing_condition, rule_condition

# The legal items (49条の10) copied into each entry, as Person fields; the ward's additions go to `extra`.
SNAPSHOT_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "sex",
    "town_id",
    "address",
    "address_extra",
    "phone",
    "care_level",
    "physical_disability_type",
    "physical_disability_grade",
    "intellectual_disability_grade",
    "mental_disability_grade",
    "intractable_disease",
    "lives_alone",
    "elderly_only_household",
)


# Called after each step of a build with (steps done, steps in all), e.g. to move a background job's progress bar.
BuildProgress = Callable[[int, int], None]


def entry_of(build: RosterBuild, person: Person) -> RosterEntry:
    """An unsaved entry of `build` for `person`, as a build writes it (for bulk writers outside a build)."""
    return RosterEntry(
        build=build, person=person, person_town_id=person.town_id, **{f: getattr(person, f) for f in SNAPSHOT_FIELDS}
    )


def _insert_reasons(build: RosterBuild, rules: list[RosterRule], conditions: list[Q]) -> None:
    """Every rule's reasons in one INSERT … SELECT and one pass over the build's entries: each entry is tested
    against every rule's condition (a column per rule), and a row of (rule, label) per rule it meets is written.
    A pass per rule read the 91,000 entries of a city ward seven times."""
    if not rules:
        return
    matches = {f"meets_{n}": ExpressionWrapper(c, output_field=BooleanField()) for n, c in enumerate(conditions)}
    entries = RosterEntry.objects.filter(build=build).order_by().annotate(**matches)
    try:
        sql, params = entries.values_list("person_id", *matches).query.sql_with_params()
    except EmptyResultSet:
        return
    # (VALUES …) names its columns column1, column2 … on both PostgreSQL and SQLite.
    values = ", ".join(["(%s, %s, %s)"] * len(rules))
    which = " ".join(f"WHEN {n} THEN e.meets_{n}" for n in range(len(rules)))
    # Names come from the models and the compiler; every value is a parameter.
    source = f"SELECT %s, r.column2, r.column3, e.person_id FROM ({sql}) e, (VALUES {values}) r"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RosterEntryReason._meta.db_table} (build_id, rule_id, label, person_id) "
            f"{source} WHERE CASE r.column1 {which} END",
            (build.pk, *params, *[v for n, rule in enumerate(rules) for v in (n, rule.pk, rule.label)]),
        )


def _serialise_builds() -> None:
    """Make builds wait for each other, so that each one's number (highest + 1) is free when it inserts.

    PostgreSQL: a lock on the build table in a mode that conflicts with itself and with writes, not with reads,
    held to the end of the transaction; and a share lock on the self-requests, so that the entries and the
    reasons (two statements, each with its own snapshot under READ COMMITTED) read the same requests. SQLite
    needs nothing here: its transactions are immediate (config/settings/base.py), so a second build already
    waits for the write lock when it begins, and no one else writes while it runs."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {RosterBuild._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"LOCK TABLE {SelfRequest._meta.db_table} IN SHARE MODE")


def roster_listed_persons(
    rules: list[RosterRule], *, day: datetime.date, municipality_id: int | None = None
) -> QuerySet:
    """The residents a build lists under `rules` on `day`: one condition (the rules OR'd), one pass over the
    registry. Moved-out and deceased residents are never listed. `municipality_id`: one ward's residents only
    (None: every resident, as in a single-ward instance)."""
    residents = Person.objects.filter(status=ResidentStatus.RESIDENT)
    if municipality_id is not None:
        residents = residents.filter(town__municipality_id=municipality_id)
    return residents.filter(listing_condition(rules, day=day))


def roster_build(
    *,
    user=None,  # noqa: ANN001
    day: datetime.date | None = None,
    municipality_id: int | None = None,
    progress: BuildProgress | None = None,
) -> RosterBuild:
    """Apply every active rule (the city's) to one ward's registry and keep the result as the ward's new build.

    The ward: `municipality_id`, else the ward of the user's ward welfare section, else the home ward (a
    single-ward instance). Set-based, inside one transaction: one INSERT … SELECT writes the entries (the listed
    persons with the snapshot of their legal items), then one INSERT … SELECT writes every rule's reasons, reading
    this build's entries once (their snapshot holds every field a rule reads) rather than the registry again. Builds
    started at the same time run one after the other. `progress`, if given, is called after each step."""
    day = day or timezone.localdate()
    if municipality_id is None and user is not None and user.is_authenticated:
        municipality_id = viewer_for(user).ward_id
    if municipality_id is None:
        municipality_id = home_municipality_id()
    with transaction.atomic():
        _serialise_builds()
        # Read inside the lock: a build started after a rule change applies the changed rules.
        rules = list(RosterRule.objects.filter(is_active=True))
        # Several wards: this ward's residents only (one ward alone holds every town: no filter to pay for).
        several = Town.objects.exclude(municipality_id=municipality_id).exists()
        listed = roster_listed_persons(  # a RuleError stops the build before it writes
            rules, day=day, municipality_id=municipality_id if several else None
        )
        reason_conditions = [rule_condition(rule, day=day, person="person_id") for rule in rules]
        steps = 3
        number = (RosterBuild.objects.filter(municipality_id=municipality_id).aggregate(n=Max("number"))["n"] or 0) + 1
        build = RosterBuild.objects.create(
            municipality_id=municipality_id,
            number=number,
            built_at=timezone.now(),
            built_by=user if user is not None and user.is_authenticated else None,
            reference_date=day,
            rules=[{"id": r.pk, "label": r.label, "kind": r.kind, "threshold": r.threshold} for r in rules],
        )
        person_count = insert_select(
            RosterEntry._meta.db_table,
            ["build_id", "person_id", *SNAPSHOT_FIELDS, "person_town_id"],
            listed.values_list("pk", *SNAPSHOT_FIELDS, "town_id"),
            (build.pk,),
        )
        if progress is not None:
            progress(1, steps)
        _insert_reasons(build, rules, reason_conditions)
        if progress is not None:
            progress(2, steps)
        build.person_count = person_count
        build.save(update_fields=["person_count"])
        figures_changed()
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            target_type="roster_build",
            target_ids=[build.pk],
            detail={
                "number": build.number,
                "persons": build.person_count,
                "reference_date": day.isoformat(),
                "municipality": build.municipality.code,
            },
            username="" if user is not None else "system",
        )
        if progress is not None:
            progress(steps, steps)
    return build


# A common starting set (many wards list these); each ward edits its own on the rules page.
DEFAULT_RULES: tuple[tuple[str, str, str], ...] = (
    ("要介護3以上", RuleKind.CARE_LEVEL, "care_3"),
    ("身体障害者手帳1・2級", RuleKind.PHYSICAL_GRADE, "2"),
    ("療育手帳A", RuleKind.INTELLECTUAL_GRADE, "A"),
    ("精神障害者保健福祉手帳1級", RuleKind.MENTAL_GRADE, "1"),
    ("難病", RuleKind.INTRACTABLE_DISEASE, ""),
    ("75歳以上のひとり暮らし", RuleKind.AGE_LIVING_ALONE, "75"),
    ("本人の申出（手上げ方式）", RuleKind.SELF_REQUEST, ""),
)


def roster_rules_create_defaults() -> list[RosterRule]:
    """Create the default rules when a ward has none yet."""
    if RosterRule.objects.exists():
        return list(RosterRule.objects.all())
    return RosterRule.objects.bulk_create(
        RosterRule(label=label, kind=kind, threshold=threshold, sort_order=i)
        for i, (label, kind, threshold) in enumerate(DEFAULT_RULES, start=1)
    )


def _audit_rule(*, rule: RosterRule, action: str, user, request) -> None:  # noqa: ANN001
    # Rules hold no personal data, but who changed who gets listed must be traceable.
    audit_record(
        actor=user,
        action=action,
        target_type="roster_rule",
        target_ids=[rule.pk],
        detail={"label": rule.label, "kind": rule.kind, "threshold": rule.threshold, "is_active": rule.is_active},
        request=request,
    )


def roster_rule_save(*, rule: RosterRule, user, request=None) -> RosterRule:  # noqa: ANN001
    """Save a validated rule (new or changed) and record who did it."""
    created = rule.pk is None
    rule.save()
    _audit_rule(rule=rule, action=AuditAction.CREATE if created else AuditAction.UPDATE, user=user, request=request)
    return rule


def roster_rule_deactivate(*, rule: RosterRule, user, request=None) -> RosterRule:  # noqa: ANN001
    """Stop applying a rule to future builds; past builds keep the reasons they recorded."""
    if rule.is_active:
        rule.is_active = False
        rule.save(update_fields=["is_active"])
        _audit_rule(rule=rule, action=AuditAction.UPDATE, user=user, request=request)
    return rule
