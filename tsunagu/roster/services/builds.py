"""Writes for the roster: building a new version and recording distributions."""

import datetime

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from tsunagu.access.policy import viewer_for
from tsunagu.areas.models import Town, home_municipality_id
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.people.models import Person, ResidentStatus

from ..models import RosterBuild, RosterEntry, RosterEntryReason, RosterRule, RuleKind
from ..rules import rule_condition

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


def _insert_select(table: str, columns: list[str], select_sql: str, params: tuple) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {select_sql}", params)


def _serialise_builds() -> None:
    """Make builds wait for each other, so that each one's number (highest + 1) is free when it inserts.

    PostgreSQL: a lock on the build table in a mode that conflicts with itself and with writes, not with reads,
    held to the end of the transaction. SQLite needs nothing here: its transactions are immediate
    (config/settings/base.py), so a second build already waits for the write lock when it begins."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {RosterBuild._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def roster_build(
    *,
    user=None,  # noqa: ANN001
    day: datetime.date | None = None,
    municipality_id: int | None = None,
) -> RosterBuild:
    """Apply every active rule (the city's) to one ward's registry and keep the result as the ward's new build.

    The ward: `municipality_id`, else the ward of the user's ward welfare section, else the home ward (a
    single-ward instance). Set-based: one INSERT … SELECT per rule for the reasons, one for the entries.
    Moved-out and deceased residents are never listed. Builds started at the same time run one after the other."""
    day = day or timezone.localdate()
    if municipality_id is None and user is not None and user.is_authenticated:
        municipality_id = viewer_for(user).ward_id
    if municipality_id is None:
        municipality_id = home_municipality_id()
    with transaction.atomic():
        _serialise_builds()
        # Read inside the lock: a build started after a rule change applies the changed rules.
        rules = list(RosterRule.objects.filter(is_active=True))
        number = (RosterBuild.objects.filter(municipality_id=municipality_id).aggregate(n=Max("number"))["n"] or 0) + 1
        build = RosterBuild.objects.create(
            municipality_id=municipality_id,
            number=number,
            built_at=timezone.now(),
            built_by=user if user is not None and user.is_authenticated else None,
            reference_date=day,
            rules=[{"id": r.pk, "label": r.label, "kind": r.kind, "threshold": r.threshold} for r in rules],
        )
        residents = Person.objects.filter(status=ResidentStatus.RESIDENT)
        if Town.objects.exclude(municipality_id=municipality_id).exists():  # several wards: this ward's only
            residents = residents.filter(town__municipality_id=municipality_id)
        reason_table = RosterEntryReason._meta.db_table
        for rule in rules:
            # The constants are parameters of the SELECT list, ahead of the WHERE clause's parameters.
            # .order_by(): the model's default ordering would make the database sort rows it only inserts.
            select = residents.filter(rule_condition(rule, day=day)).order_by().values_list("pk")
            sql, params = select.query.sql_with_params()
            _insert_select(
                reason_table,
                ["build_id", "person_id", "rule_id", "label"],
                sql.replace("SELECT ", "SELECT %s, ", 1).replace(" FROM ", ", %s, %s FROM ", 1),
                (build.pk, rule.pk, rule.label, *params),
            )
        listed = RosterEntryReason.objects.filter(build=build).values("person_id").distinct()
        source = Person.objects.filter(pk__in=listed).order_by().values_list("pk", *SNAPSHOT_FIELDS)
        sql, params = source.query.sql_with_params()
        _insert_select(
            RosterEntry._meta.db_table,
            ["build_id", "person_id", *SNAPSHOT_FIELDS],
            sql.replace("SELECT ", "SELECT %s, ", 1),
            (build.pk, *params),
        )
        build.person_count = RosterEntry.objects.filter(build=build).count()
        build.save(update_fields=["person_count"])
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
