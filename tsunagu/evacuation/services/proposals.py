"""Writes of supporter proposals: run the matching (matching.py) for listed persons who have no supporter yet, store its
proposals, and let staff confirm or reject them. A confirmed proposal becomes a 避難支援等実施者 in the person's
individual evacuation plan.

Only professionals with a FULL-level grant (区役所 福祉部門, 社協, 地域包括支援センター) work with proposals,
and each of them only for the persons the access policy shows them. Every run, list and decision is audited."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.core.ids import as_pk
from tsunagu.evacuation.matching import DEFAULT_K_NEAREST, DEFAULT_MAX_DISTANCE_M, Matching, match_greedy, match_optimal
from tsunagu.evacuation.models import (
    EvacuationPlan,
    PlanSupporter,
    ProposalStatus,
    SupporterProposal,
)
from tsunagu.evacuation.selectors.proposals import candidates_with_room, persons_needing_supporter

NOT_PENDING_MESSAGE = _("この提案はすでに確定または却下されています。")
UNKNOWN_METHOD_MESSAGE = _("算出方法が正しくありません。")
TARGET_TYPE = AuditTarget.SUPPORTER_PROPOSAL
METHODS = ("optimal", "greedy")
_MATCHERS = {"optimal": match_optimal, "greedy": match_greedy}


def _require_staff(user) -> None:  # noqa: ANN001
    policy.require_capability(user, Capability.MATCH_SUPPORTERS)


@dataclass(frozen=True)
class MatchingSummary:
    method: str
    covered: int
    coverage: float
    total_distance_m: float
    seconds: float

    @property
    def coverage_percent(self) -> float:
        return round(self.coverage * 100, 1)

    @property
    def mean_distance_m(self) -> float:
        return self.total_distance_m / self.covered if self.covered else 0.0


@dataclass(frozen=True)
class ProposalRun:
    method: str
    persons: int  # persons needing a supporter
    candidates: int  # candidates with room
    created: int  # proposals stored
    summaries: dict[str, MatchingSummary]  # both methods, for comparison

    @property
    def optimal(self) -> MatchingSummary:
        return self.summaries["optimal"]

    @property
    def greedy(self) -> MatchingSummary:
        return self.summaries["greedy"]


def supporter_proposals_create(
    *,
    user,  # noqa: ANN001
    method: str = "optimal",
    max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
    k_nearest: int = DEFAULT_K_NEAREST,
    request: HttpRequest | None = None,
) -> ProposalRun:
    """Match persons needing a supporter with candidates that have room, by both methods (shown side by side),
    and store the proposals of `method`. Pairs rejected before are not proposed again."""
    _require_staff(user)
    if method not in METHODS:
        raise ValueError(str(UNKNOWN_METHOD_MESSAGE))
    with transaction.atomic():
        persons = list(persons_needing_supporter(user=user).values_list("pk", "latitude", "longitude"))
        rooms = candidates_with_room()
        person_ids = [pk for pk, _lat, _lon in persons]
        person_points = np.array([(float(lat), float(lon)) for _pk, lat, lon in persons]).reshape(-1, 2)
        candidate_points = np.array([(float(c.latitude), float(c.longitude)) for c, _room in rooms]).reshape(-1, 2)
        capacities = np.array([room for _c, room in rooms], dtype=np.int64)
        person_index = {pk: i for i, pk in enumerate(person_ids)}
        candidate_index = {c.pk: j for j, (c, _room) in enumerate(rooms)}
        rejected = SupporterProposal.objects.filter(
            status=ProposalStatus.REJECTED, person_id__in=person_ids, candidate_id__in=list(candidate_index)
        ).values_list("person_id", "candidate_id")
        excluded = [(person_index[p], candidate_index[c]) for p, c in rejected]

        summaries: dict[str, MatchingSummary] = {}
        chosen: Matching | None = None
        for name in METHODS:
            started = time.perf_counter()
            result = _MATCHERS[name](
                person_points,
                candidate_points,
                capacities,
                max_distance_m=max_distance_m,
                k_nearest=k_nearest,
                excluded_pairs=excluded,
            )
            summaries[name] = MatchingSummary(
                name, result.covered, result.coverage, result.total_distance_m, time.perf_counter() - started
            )
            if name == method:
                chosen = result
        assert chosen is not None
        proposals = [
            SupporterProposal(person_id=person_ids[p], candidate=rooms[s][0], distance_m=round(d), method=method)
            for p, s, d in chosen.pairs
        ]
        SupporterProposal.objects.bulk_create(proposals)
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            target_type=TARGET_TYPE,
            target_ids=[p.person_id for p in proposals],
            detail={
                "method": method,
                "persons": len(person_ids),
                "candidates": len(rooms),
                "proposals": len(proposals),
                **{f"coverage_{s.method}": round(s.coverage, 4) for s in summaries.values()},
                **{f"total_distance_m_{s.method}": round(s.total_distance_m) for s in summaries.values()},
            },
            request=request,
        )
    return ProposalRun(
        method=method, persons=len(person_ids), candidates=len(rooms), created=len(proposals), summaries=summaries
    )


def _proposal_in_scope(*, user, proposal_id: object, request: HttpRequest | None) -> int:  # noqa: ANN001
    """The proposal's id if its person is in the user's scope; else 404 with a DENIED entry (written outside
    any transaction, so the refusal stays logged)."""
    _require_staff(user)
    pk = as_pk(proposal_id)
    in_scope = policy.rows_of_visible_persons(SupporterProposal.objects.filter(pk=pk), user)
    if pk is None or not in_scope.exists():
        audit_denied(actor=user, request=request, target_type=TARGET_TYPE, target_id=proposal_id)
        raise Http404
    return pk


def _lock_open(pk: int) -> SupporterProposal:
    """The proposal, locked against a concurrent decision; it must still be open."""
    locked = SupporterProposal.objects.select_for_update(of=("self",)).select_related("candidate", "person")
    proposal = locked.get(pk=pk)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValueError(str(NOT_PENDING_MESSAGE))
    return proposal


def _decide(proposal: SupporterProposal, *, user, status: str) -> None:  # noqa: ANN001
    proposal.status = status
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])


def supporter_proposal_confirm(
    *,
    user,  # noqa: ANN001
    proposal_id: object,
    request: HttpRequest | None = None,
) -> SupporterProposal:
    """Confirm: the candidate becomes a 避難支援等実施者 in the person's plan (created if there is none yet)."""
    pk = _proposal_in_scope(user=user, proposal_id=proposal_id, request=request)
    with transaction.atomic():
        proposal = _lock_open(pk)
        candidate = proposal.candidate
        plan, plan_created = EvacuationPlan.objects.get_or_create(person=proposal.person, defaults={"updated_by": user})
        supporter = PlanSupporter.objects.create(
            plan=plan,
            name=candidate.name,
            relation=str(candidate.get_kind_display()),
            address=candidate.address,
            phone=candidate.phone,
            candidate=candidate,
        )
        _decide(proposal, user=user, status=ProposalStatus.CONFIRMED)
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type=TARGET_TYPE,
            target_ids=[proposal.person_id],
            detail={
                "proposal": proposal.pk,
                "decision": ProposalStatus.CONFIRMED.value,
                "candidate": candidate.pk,
                "plan": plan.pk,
                "plan_created": plan_created,
                "plan_supporter": supporter.pk,
            },
            request=request,
        )
    return proposal


def supporter_proposal_reject(
    *,
    user,  # noqa: ANN001
    proposal_id: object,
    request: HttpRequest | None = None,
) -> SupporterProposal:
    """Reject: the candidate's place is free again, and this pair is not proposed again."""
    pk = _proposal_in_scope(user=user, proposal_id=proposal_id, request=request)
    with transaction.atomic():
        proposal = _lock_open(pk)
        _decide(proposal, user=user, status=ProposalStatus.REJECTED)
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type=TARGET_TYPE,
            target_ids=[proposal.person_id],
            detail={
                "proposal": proposal.pk,
                "decision": ProposalStatus.REJECTED.value,
                "candidate": proposal.candidate_id,
            },
            request=request,
        )
    return proposal
