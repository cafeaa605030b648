"""The outreach worklist of an agency and one item. An item is seen by the workers of its owning agency (the list
is the agency's work); whom it names is shown only as the policy allows — the person in the outreach scope
(tsunagu.cases.scope.OutreachScope), a case only to its team. Every list and read is logged with the persons
shown; an item of another agency is answered like an unknown id (404, logged)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.organisations.models import DataScope

from ..models import OPEN_OUTREACH_STATUSES, OutreachItem, OutreachStatus
from ..scope import team_organisation_ids, visible_cases_q
from .access import NOT_FOUND, as_pk

LIST_LIMIT = 300


@dataclass
class OutreachRow:
    item: OutreachItem
    name: str  # whom it names as the viewer may see it ("" when the viewer may not)
    shows_person: bool
    shows_case: bool
    overdue: bool


@dataclass(frozen=True)
class OutreachFilters:
    source: str = ""
    owner: str = ""  # "me", or an organisation id of the user's
    overdue: bool = False
    status: str = "open"  # open | resolved | all


def outreach_qs(user) -> QuerySet[OutreachItem]:  # noqa: ANN001
    """Items owned by the user's agencies (open and resolved)."""
    return OutreachItem.objects.filter(owner_organisation_id__in=team_organisation_ids(policy.viewer_for(user)))


def open_outreach_qs(user) -> QuerySet[OutreachItem]:  # noqa: ANN001
    return outreach_qs(user).filter(status__in=OPEN_OUTREACH_STATUSES)


def _rows(user, items: list[OutreachItem]) -> list[OutreachRow]:  # noqa: ANN001
    viewer = policy.viewer_for(user)
    today = timezone.localdate()
    person_ids = {i.person_id for i in items if i.person_id}
    shown = policy.full_level_ids(viewer, person_ids, scope=DataScope.OUTREACH) if person_ids else set()
    missing = person_ids - shown
    if missing:
        shown |= policy.full_level_ids(viewer, missing, scope=DataScope.CASE)
    case_ids = {i.case_id for i in items if i.case_id}
    seen_cases = set()
    if case_ids:
        from ..models import Case

        organisation_ids = team_organisation_ids(viewer)
        seen_cases = set(
            Case.objects.filter(visible_cases_q(organisation_ids), pk__in=case_ids).values_list("pk", flat=True)
        )
    rows = []
    for item in items:
        shows_person = item.person_id in shown
        shows_case = item.case_id in seen_cases
        if shows_person:
            name = item.person.full_name
        elif shows_case:
            name = item.case.display_name
        else:
            name = ""
        rows.append(OutreachRow(item, name, shows_person, shows_case, item.is_overdue(today)))
    return rows


def _audit_rows(user, rows: list[OutreachRow], request: HttpRequest | None, detail: dict) -> None:  # noqa: ANN001
    audit_record(
        actor=policy.viewer_for(user).user,
        action=AuditAction.LIST if "list" in detail else AuditAction.VIEW,
        target_type=AuditTarget.CASE,
        target_ids={r.item.person_id for r in rows if (r.shows_person or r.shows_case) and r.item.person_id},
        detail=detail,
        request=request,
    )


def outreach_worklist(
    user,  # noqa: ANN001
    filters: OutreachFilters = OutreachFilters(),
    *,
    request: HttpRequest | None = None,
) -> list[OutreachRow]:
    """The agency's worklist: overdue first, then by due date. Logged with the persons shown."""
    viewer = policy.viewer_for(user)
    qs = outreach_qs(user).select_related("person__town", "case", "owner_organisation", "owner_user")
    if filters.status == "open":
        qs = qs.filter(status__in=OPEN_OUTREACH_STATUSES)
    elif filters.status == "resolved":
        qs = qs.filter(status=OutreachStatus.RESOLVED)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.owner == "me":
        qs = qs.filter(owner_user_id=viewer.user.pk)
    elif filters.owner:
        pk = as_pk(filters.owner)
        qs = qs.filter(owner_organisation_id=pk) if pk else qs.none()
    if filters.overdue:
        qs = qs.filter(status__in=OPEN_OUTREACH_STATUSES, due_on__lt=timezone.localdate())
    order = ["-resolved_at", "-pk"] if filters.status == "resolved" else ["due_on", "pk"]
    rows = _rows(user, list(qs.order_by(*order)[:LIST_LIMIT]))
    if rows:
        _audit_rows(user, rows, request, {"list": "outreach", "items": len(rows)})
    return rows


def outreach_or_404(
    user,  # noqa: ANN001
    item_id: object,
    *,
    request: HttpRequest | None = None,
    audit: bool = True,
) -> OutreachRow:
    """An item of one of the user's agencies, with whom it names as the user may see it; otherwise 404, logged."""
    pk = as_pk(item_id)
    item = None
    if pk is not None:
        item = (
            outreach_qs(user)
            .select_related("person__town", "person__household", "case", "owner_organisation", "owner_user")
            .filter(pk=pk)
            .first()
        )
    if item is None:
        audit_denied(actor=user, request=request, target_type=AuditTarget.CASE, target_id=item_id)
        raise Http404(NOT_FOUND)
    row = _rows(user, [item])[0]
    if audit:
        _audit_rows(user, [row], request, {"outreach": item.pk})
    return row


def outreach_counts(user) -> dict[str, int]:  # noqa: ANN001
    """The menu's counts: open items of the user's agencies and how many are overdue (not personal data)."""
    qs = open_outreach_qs(user)
    return {"open": qs.count(), "overdue": qs.filter(due_on__lt=timezone.localdate()).count()}
