"""Writes of individual evacuation plans (個別避難計画). One write path: `evacuation_plan_save` creates or
updates a person's plan and replaces its supporters, checks the rules, and writes one audit entry."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core.wareki import today_jst
from tsunagu.evacuation.models import EvacuationPlan, PlanStatus, PlanSupporter, SupporterCandidate
from tsunagu.people.models import Person
from tsunagu.shelters.models import Shelter

SHELTER_NOT_FOUND_MESSAGE = _("選んだ避難所が見つかりません。避難所の一覧から選び直してください。")
REVIEW_DATE_REQUIRED_MESSAGE = _("「作成済」にするには、今日より後の次回見直し日を入れてください。")
SUPPORTER_REQUIRED_MESSAGE = _("「作成済」にするには、避難支援等実施者を1人以上入れてください。")
SUPPORTER_NAME_REQUIRED_MESSAGE = _("避難支援等実施者の氏名を入れてください。")
CANDIDATE_NOT_FOUND_MESSAGE = _("支援者の候補が見つかりません。画面を開き直してください。")
EDIT_REFUSED_MESSAGE = _("個別避難計画を編集できるのは、区役所・社会福祉協議会・地域包括支援センターの職員です。")

# The plan's own fields that a save may set; anything else in `data` is ignored.
PLAN_FIELDS: tuple[str, ...] = (
    "status",
    "priority",
    "shelter_id",
    "destination_other",
    "route_notes",
    "timing_notes",
    "needs_medical_devices",
    "needs_medication",
    "needs_mobility",
    "needs_communication",
    "needs_allergies",
    "needs_pets",
    "hazard_flood_zone",
    "hazard_landslide_zone",
    "hazard_tsunami_zone",
    "next_review_on",
)
TEXT_FIELDS: tuple[str, ...] = tuple(
    f for f in PLAN_FIELDS if f in ("destination_other", "route_notes", "timing_notes") or f.startswith("needs_")
)
SUPPORTER_FIELDS: tuple[str, ...] = ("name", "relation", "address", "phone", "candidate_id")


class PlanValidationError(ValueError):
    """The plan was not saved; `messages` (this module's constants) say why."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(str(m) for m in messages))
        self.messages = messages


class PlanEditRefusedError(PermissionError):
    """The user may see the person but not change the plan."""


def can_edit_plan(user, person: Person) -> bool:  # noqa: ANN001
    """Professionals (ward welfare, 社協, care plaza: FULL-level grants) edit plans of persons they see under
    such a grant. Community groups help make plans but change them through the professionals."""
    return bool(policy.full_level_ids(user, [person.pk]))


def _clean_supporters(supporters: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for row in supporters:
        values = {f: (row.get(f) or "") if f != "candidate_id" else row.get(f) for f in SUPPORTER_FIELDS}
        for f in ("name", "relation", "address", "phone"):
            values[f] = str(values[f]).strip()
        if not any(values[f] for f in ("name", "relation", "address", "phone")):
            continue  # an empty row of the form
        cleaned.append(values)
    return cleaned


def _validate(values: dict[str, Any], supporters: list[dict[str, Any]], today: datetime.date) -> list[str]:
    errors: list[str] = []
    shelter_id = values.get("shelter_id")
    if shelter_id is not None and not Shelter.objects.filter(pk=shelter_id).exists():
        errors.append(SHELTER_NOT_FOUND_MESSAGE)
    if any(not s["name"] for s in supporters):
        errors.append(SUPPORTER_NAME_REQUIRED_MESSAGE)
    candidate_ids = {s["candidate_id"] for s in supporters if s["candidate_id"] is not None}
    if candidate_ids and SupporterCandidate.objects.filter(pk__in=candidate_ids).count() != len(candidate_ids):
        errors.append(CANDIDATE_NOT_FOUND_MESSAGE)
    if values.get("status") == PlanStatus.DONE:
        review = values.get("next_review_on")
        if review is None or review <= today:
            errors.append(REVIEW_DATE_REQUIRED_MESSAGE)
        if not supporters:
            errors.append(SUPPORTER_REQUIRED_MESSAGE)
    return errors


def _supporter_key(values: Mapping[str, Any]) -> tuple:
    return tuple(values.get(f) or "" for f in SUPPORTER_FIELDS)


def evacuation_plan_save(
    *,
    person: Person,
    data: Mapping[str, Any],
    supporters: Sequence[Mapping[str, Any]],
    user,  # noqa: ANN001
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
) -> EvacuationPlan:
    """Create or update the person's plan; `supporters` replaces the plan's supporters as a set.

    `data` holds PLAN_FIELDS (shelter as `shelter_id`). Raises PlanEditRefusedError when the user may not
    edit and PlanValidationError with every broken rule. The audit entry names the fields that changed."""
    if not can_edit_plan(user, person):
        raise PlanEditRefusedError(str(EDIT_REFUSED_MESSAGE))
    today = today or today_jst()
    with transaction.atomic():
        plan = EvacuationPlan.objects.select_for_update().filter(person=person).first()
        creating = plan is None
        if plan is None:
            plan = EvacuationPlan(person=person)
        values = {f: getattr(plan, f) for f in PLAN_FIELDS}
        values.update({f: data[f] for f in PLAN_FIELDS if f in data})
        for f in TEXT_FIELDS:
            values[f] = str(values[f] or "").strip()
        cleaned = _clean_supporters(supporters)
        errors = _validate(values, cleaned, today)
        if errors:
            raise PlanValidationError(errors)

        changed = [f for f in PLAN_FIELDS if creating or getattr(plan, f) != values[f]]
        for f, value in values.items():
            setattr(plan, f, value)
        plan.updated_by = user
        old = [] if creating else list(plan.supporters.order_by("pk").values(*SUPPORTER_FIELDS))
        supporters_changed = sorted(map(_supporter_key, old)) != sorted(map(_supporter_key, cleaned))
        if creating or changed or supporters_changed:
            plan.save()
        if supporters_changed:
            plan.supporters.all().delete()
            PlanSupporter.objects.bulk_create(PlanSupporter(plan=plan, **s) for s in cleaned)
            changed.append("supporters")
        if creating or changed:
            # Field names only: the values are personal data and stay in the plan itself.
            audit_record(
                actor=user,
                action=AuditAction.CREATE if creating else AuditAction.UPDATE,
                target_type="person",
                target_ids=[person.pk],
                detail={"plan": changed, "plan_id": plan.pk},
                request=request,
            )
    return plan
