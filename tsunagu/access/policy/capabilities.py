"""Capabilities: named things a role may do beyond seeing persons (manage the registry, the roster, consent…).

A view asks for one with @capability_required; a service with require_capability. A refusal is a
CapabilityDenied (a PermissionDenied): the site's 403 handler (tsunagu.access.views.errors) turns every
refusal into the one Japanese 403 page and one `denied` audit row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tsunagu.audit.models import AuditTarget
from tsunagu.organisations.models import CASE_AGENCY_KINDS, MembershipRole, OrganisationKind

from .refusals import Refused
from .viewer import viewer_for


class Capability(StrEnum):
    MANAGE_REGISTRY = "manage_registry"  # import and correct residents; search moved-out and deceased residents
    MANAGE_ROSTER = "manage_roster"  # roster rules, builds and their differences, outputs by district
    MANAGE_DISTRIBUTIONS = "manage_distributions"  # the register of roster copies handed out, and their outputs
    MANAGE_CONSENT = "manage_consent"  # consent decisions, request letters, reply slips
    MANAGE_SHELTERS = "manage_shelters"  # 福祉避難所 designation, shelter imports
    VIEW_AUDIT_LOG = "view_audit_log"
    MATCH_SUPPORTERS = "match_supporters"  # supporter proposals for evacuation plans
    VIEW_PLAN_PROGRESS = "view_plan_progress"  # completion rates of evacuation plans
    EXPORT_PERSONS = "export_persons"  # the person search's CSV/Excel export (community copies go by register)
    MANAGE_WATCH = "manage_watch"  # watch assignments, the overdue worklist, the commissioners' activity totals
    MANAGE_WATCH_ROUTES = "manage_watch_routes"  # the routing table of watch-over concerns to professionals
    DECLARE_DISASTER = "declare_disaster"  # declare and end a disaster event (or a drill)
    VIEW_SAFETY_DASHBOARD = "view_safety_dashboard"  # an event's live dashboard: counts, the unconfirmed, calls
    OPEN_CASE = "open_case"  # take a consultation (相談受付) and refer it to another agency
    OVERRIDE_REFERRAL_CONSENT = "override_referral_consent"  # refer without the client's consent, with a reason
    MANAGE_DIRECTORY = "manage_directory"  # the public directory's entries and their "confirmed" date
    APPROVE_CASE_PLAN = "approve_case_plan"  # a supervisor approves support plans and the closing of cases
    MANAGE_OUTREACH = "manage_outreach"  # the agency's outreach worklist (アウトリーチ), flag persons by hand
    VIEW_AREA_FIGURES = "view_area_figures"  # anonymised counts of the ward's cases by district and domain
    MANAGE_EVENTS = "manage_events"  # every event and article of the ward, and the sign-ups of every event
    MANAGE_FORUMS = "manage_forums"  # create district forums (話し合いの場) and manage their members
    MANAGE_VOLUNTEERS = "manage_volunteers"  # the volunteer centre: registrations, needs, matching, reports


WARD = frozenset({OrganisationKind.WARD_WELFARE})
PROFESSIONALS = frozenset({OrganisationKind.WARD_WELFARE, OrganisationKind.SHAKYO, OrganisationKind.CARE_PLAZA})
# The ward declares its own events; the city's crisis management office holds no capability in normal times.
DISASTER_COMMAND = frozenset({OrganisationKind.WARD_WELFARE, OrganisationKind.WARD_DISASTER})
# Those who run an event and the responders who see its whole area: the ward's welfare section and 防災担当, 消防,
# 警察 and the city's 危機管理室 (community supporters record from the event page and their phones).
# The ward's own sections publish for the whole ward; other organisers manage only their own events
# (tsunagu.access.policy.publishing).
WARD_SECTIONS = frozenset({OrganisationKind.WARD_WELFARE, OrganisationKind.WARD_OTHER, OrganisationKind.WARD_DISASTER})
DISASTER_RESPONSE = DISASTER_COMMAND | {
    OrganisationKind.FIRE,
    OrganisationKind.POLICE,
    OrganisationKind.CITY_CRISIS,
}


@dataclass(frozen=True)
class CapabilitySpec:
    holders: frozenset[str]  # organisation kinds whose members hold it
    target: str  # what a refusal is about, in the audit log
    refusal: str | Promise  # the sentence the 403 page shows
    # Membership roles that hold it within those organisations (None: every member).
    roles: frozenset[str] | None = None


CAPABILITIES: dict[Capability, CapabilitySpec] = {
    Capability.MANAGE_REGISTRY: CapabilitySpec(
        WARD, AuditTarget.PERSON, _("住民データの取込・修正は、区役所の福祉部門の職員だけができます。")
    ),
    Capability.MANAGE_ROSTER: CapabilitySpec(
        WARD, AuditTarget.ROSTER, _("名簿の条件・作成・版の比較は、区役所の福祉部門の職員だけが利用できます。")
    ),
    Capability.MANAGE_DISTRIBUTIONS: CapabilitySpec(
        WARD,
        AuditTarget.ROSTER_DISTRIBUTION,
        _("名簿の提供記録と名簿の出力は、区役所の福祉部門の職員だけが利用できます。"),
    ),
    Capability.MANAGE_CONSENT: CapabilitySpec(
        WARD, AuditTarget.CONSENT, _("同意の記録・確認書の作成は区役所（福祉部門）の職員だけができます。")
    ),
    Capability.MANAGE_SHELTERS: CapabilitySpec(
        WARD, AuditTarget.SHELTER, _("福祉避難所の指定を変更できるのは区役所の福祉部門の職員だけです")
    ),
    Capability.VIEW_AUDIT_LOG: CapabilitySpec(
        WARD, AuditTarget.AUDIT, _("監査ログを閲覧できるのは、区役所の福祉部門の職員だけです。")
    ),
    Capability.MATCH_SUPPORTERS: CapabilitySpec(
        PROFESSIONALS,
        AuditTarget.SUPPORTER_PROPOSAL,
        _("避難支援者の提案は、区役所（福祉部門）・社会福祉協議会・地域包括支援センターの職員だけが扱えます。"),
    ),
    Capability.VIEW_PLAN_PROGRESS: CapabilitySpec(
        PROFESSIONALS,
        AuditTarget.EVACUATION_PLAN,
        _("作成状況の集計は、区役所・社会福祉協議会・地域包括支援センターの職員が見られます。"),
    ),
    Capability.EXPORT_PERSONS: CapabilitySpec(
        PROFESSIONALS,
        AuditTarget.PERSON,
        _(
            "住民一覧の出力は、区役所・社会福祉協議会・地域包括支援センターの職員が使えます。"
            "協定を結んだ団体への名簿は、区役所が配布番号をつけて提供します。"
        ),
    ),
    Capability.MANAGE_WATCH: CapabilitySpec(
        PROFESSIONALS,
        AuditTarget.WATCH_ASSIGNMENT,
        _("見守りの担当の割当てと集計は、区役所（福祉部門）・社会福祉協議会・地域包括支援センターの職員が扱えます。"),
    ),
    Capability.MANAGE_WATCH_ROUTES: CapabilitySpec(
        WARD,
        AuditTarget.WATCH_ROUTE,
        _("見守りのつなぎ先の設定は、区役所の福祉部門の職員だけが変更できます。"),
    ),
    Capability.DECLARE_DISASTER: CapabilitySpec(
        DISASTER_COMMAND,
        AuditTarget.DISASTER_EVENT,
        _("災害の開始・終了は、区役所（福祉部門・防災担当）の職員だけができます。"),
    ),
    Capability.VIEW_SAFETY_DASHBOARD: CapabilitySpec(
        DISASTER_RESPONSE,
        AuditTarget.DISASTER_EVENT,
        _("安否確認のダッシュボードは、区役所（福祉部門・防災担当）・消防・警察・市の危機管理室の職員が使えます。"),
    ),
    Capability.OPEN_CASE: CapabilitySpec(
        CASE_AGENCY_KINDS,
        AuditTarget.CASE,
        _("相談の受付と紹介は、区役所（福祉部門）・社会福祉協議会・地域包括支援センターと相談支援機関の職員が行えます。"),
    ),
    # Referring without consent (abuse, danger to life) is the ward's call: it holds the statutory powers (措置).
    Capability.OVERRIDE_REFERRAL_CONSENT: CapabilitySpec(
        WARD,
        AuditTarget.REFERRAL,
        _("本人の同意なしに紹介できるのは、区役所の福祉部門の職員だけです（理由の記録が必要です）。"),
    ),
    # The directory holds no personal data: a refusal is logged against the page (a target of its own would be an
    # audit migration for a name only).
    Capability.MANAGE_DIRECTORY: CapabilitySpec(
        PROFESSIONALS,
        AuditTarget.PAGE,
        _("相談先・居場所の案内の編集は、区役所（福祉部門）・社会福祉協議会・地域包括支援センターの職員ができます。"),
    ),
    # The supervisor of a case agency: its members with the role 代表者 (manager); see docs/cases.md.
    Capability.APPROVE_CASE_PLAN: CapabilitySpec(
        CASE_AGENCY_KINDS,
        AuditTarget.SUPPORT_PLAN,
        _("支援計画と終結の承認は、相談支援機関の代表者（管理者）だけができます。"),
        roles=frozenset({MembershipRole.MANAGER}),
    ),
    Capability.MANAGE_OUTREACH: CapabilitySpec(
        CASE_AGENCY_KINDS,
        AuditTarget.CASE,
        _("アウトリーチの一覧は、区役所（福祉部門）・社会福祉協議会・地域包括支援センターと相談支援機関の職員が使えます。"),
    ),
    # The ward's whole picture of needs, for district meetings (話し合いの場) and the welfare plan: the bodies
    # that run them. Counts only, suppressed under 5 (tsunagu.core.suppression).
    Capability.VIEW_AREA_FIGURES: CapabilitySpec(
        PROFESSIONALS,
        AuditTarget.CASE,
        _("地域の課題の集計は、区役所（福祉部門）・社会福祉協議会・地域包括支援センターの職員が見られます。"),
    ),
    Capability.MANAGE_EVENTS: CapabilitySpec(
        WARD_SECTIONS,
        AuditTarget.EVENT_SIGNUP,
        _("区の行事・お知らせの管理は、区役所の職員と、主催団体の職員・代表者だけができます。"),
    ),
    # Forums are run by the ward and the 社協 (seed 000 (4), 001 柱2); what members see is decided by membership
    # (tsunagu.community.selectors.access), not by a capability.
    Capability.MANAGE_FORUMS: CapabilitySpec(
        frozenset({OrganisationKind.WARD_WELFARE, OrganisationKind.SHAKYO}),
        AuditTarget.FORUM,
        _("話し合いの場の設置と構成員の管理は、区役所（福祉部門）・社会福祉協議会の職員ができます。"),
    ),
    # The volunteer centre is the 社協's (seed 001 柱3); the ward's welfare section works with it.
    Capability.MANAGE_VOLUNTEERS: CapabilitySpec(
        frozenset({OrganisationKind.WARD_WELFARE, OrganisationKind.SHAKYO}),
        AuditTarget.VOLUNTEER,
        _("ボランティアセンターの登録・地域ニーズ・マッチングは、社会福祉協議会・区役所（福祉部門）の職員が扱えます。"),
    ),
}


class CapabilityDenied(Refused):
    def __init__(self, capability: Capability) -> None:
        spec = CAPABILITIES[capability]
        super().__init__(spec.refusal, target=spec.target, detail={"capability": capability.value})
        self.capability = capability


def can(user, capability: Capability) -> bool:  # noqa: ANN001
    """Whether the user holds the capability today (through a membership of a holding organisation kind, in one of
    the capability's roles when it names them)."""
    spec = CAPABILITIES[capability]
    viewer = viewer_for(user)
    if spec.roles is None:
        return bool(viewer.organisation_kinds & spec.holders)
    return any(m.organisation.kind in spec.holders and m.role in spec.roles for m in viewer.memberships)


def require_capability(user, capability: Capability) -> None:  # noqa: ANN001
    """For services: raise CapabilityDenied unless the user holds it."""
    if not can(user, capability):
        raise CapabilityDenied(capability)


def capability_required(capability: Capability) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """For views: signed in (else the login page), then the capability (else the one 403 page, logged)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN001
            require_capability(request.user, capability)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
