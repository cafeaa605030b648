"""Who watches whom: one assignment at a time, or many at once from the roster (by district and reason)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.ids import as_pk
from tsunagu.core.wareki import today_jst
from tsunagu.organisations.models import DataScope, Organisation
from tsunagu.organisations.selectors import active_memberships
from tsunagu.roster.models import RosterBuild, RosterEntry, RosterEntryReason

from ..models import WatchAssignment, WatchFrequency
from .errors import WatchError

WATCHER_NOT_MEMBER_MESSAGE = _("担当者は、見守る団体に今所属している方を選んでください。")
ORGANISATION_INACTIVE_MESSAGE = _("活動を終えた団体には見守りを割り当てられません。")
ALREADY_WATCHED_MESSAGE = _("この方には、同じ団体・担当者の見守りがすでにあります。")
END_BEFORE_START_MESSAGE = _("終了日は開始日より後の日にしてください。")
NO_BUILD_MESSAGE = _("名簿がまだ作成されていないため、名簿から割り当てられません。")
ALREADY_ENDED_MESSAGE = _("この見守りはすでに終了しています。")


def _check_watcher(organisation: Organisation, watcher, day: datetime.date) -> None:  # noqa: ANN001
    if not organisation.is_active:
        raise WatchError([ORGANISATION_INACTIVE_MESSAGE])
    if watcher is not None and not any(
        m.organisation_id == organisation.pk for m in active_memberships(watcher, day, with_agreements=False)
    ):
        raise WatchError([WATCHER_NOT_MEMBER_MESSAGE])


def assignment_create(
    *,
    user,  # noqa: ANN001
    person_id: object,
    organisation: Organisation,
    watcher=None,  # noqa: ANN001 - a User or None (every member of the organisation)
    frequency: str = WatchFrequency.MONTHLY,
    whole_household: bool = False,
    note: str = "",
    started_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> WatchAssignment:
    """Assign a watcher to a person the staff member sees in full."""
    policy.require_capability(user, Capability.MANAGE_WATCH)
    person = policy.person_or_deny(
        user, person_id, request=request, level=policy.DetailLevel.FULL, scope=DataScope.WATCH
    )
    started_on = started_on or today_jst()
    _check_watcher(organisation, watcher, started_on)
    with transaction.atomic():
        open_one = WatchAssignment.objects.filter(
            person=person, organisation=organisation, watcher=watcher, ended_on__isnull=True
        )
        if open_one.exists():
            raise WatchError([ALREADY_WATCHED_MESSAGE])
        assignment = WatchAssignment.objects.create(
            person=person,
            organisation=organisation,
            watcher=watcher,
            frequency=WatchFrequency(frequency),
            whole_household=whole_household,
            note=note.strip(),
            started_on=started_on,
            created_by=user,
        )
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            target_type=AuditTarget.WATCH_ASSIGNMENT,
            target_ids=[person.pk],
            detail={
                "assignment": assignment.pk,
                "organisation": organisation.pk,
                "watcher": getattr(watcher, "pk", None),
            },
            request=request,
        )
    return assignment


@dataclass(frozen=True)
class BulkResult:
    created: int
    skipped: int  # already watched by the same organisation and watcher

    @property
    def total(self) -> int:
        return self.created + self.skipped


def roster_candidates(*, user, district_id: int | None, rule_id: int | None):  # noqa: ANN001, ANN201
    """The person ids of the user's ward's current roster, of a district and with a reason, that the user sees
    in full under the watch-over scope: whom a bulk assignment would reach."""
    viewer = policy.viewer_for(user)
    build = RosterBuild.current(viewer.ward_id)
    if build is None:
        return None
    entries = RosterEntry.objects.filter(build=build)
    if district_id:
        entries = entries.filter(town__town_districts__district_id=district_id)
    if rule_id:
        entries = entries.filter(
            person_id__in=RosterEntryReason.objects.filter(build=build, rule_id=rule_id).values("person_id")
        )
    full = viewer.full_grants(DataScope.WATCH)
    if not policy.sees_everyone(full):
        entries = entries.filter(person_id__in=policy.persons_under(full, day=viewer.day).values("pk"))
    return entries.values_list("person_id", flat=True)


def assignments_bulk_create(
    *,
    user,  # noqa: ANN001
    district_id: int | None,
    rule_id: int | None,
    organisation: Organisation,
    watcher=None,  # noqa: ANN001
    frequency: str = WatchFrequency.MONTHLY,
    started_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> BulkResult:
    """Assign one watcher to every listed person of a district (and reason) at once; persons already watched by
    the same organisation and watcher are left as they are. All or nothing."""
    policy.require_capability(user, Capability.MANAGE_WATCH)
    started_on = started_on or today_jst()
    _check_watcher(organisation, watcher, started_on)
    candidates = roster_candidates(user=user, district_id=district_id, rule_id=rule_id)
    if candidates is None:
        raise WatchError([NO_BUILD_MESSAGE])
    with transaction.atomic():
        person_ids = sorted(set(candidates))
        watched = set(
            WatchAssignment.objects.filter(
                person_id__in=person_ids, organisation=organisation, watcher=watcher, ended_on__isnull=True
            ).values_list("person_id", flat=True)
        )
        new_ids = [pk for pk in person_ids if pk not in watched]
        WatchAssignment.objects.bulk_create(
            WatchAssignment(
                person_id=pk,
                organisation=organisation,
                watcher=watcher,
                frequency=WatchFrequency(frequency),
                started_on=started_on,
                created_by=user,
            )
            for pk in new_ids
        )
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            target_type=AuditTarget.WATCH_ASSIGNMENT,
            target_ids=new_ids,
            query=f"district={district_id or ''} rule={rule_id or ''}",
            detail={"organisation": organisation.pk, "watcher": getattr(watcher, "pk", None), "bulk": True},
            request=request,
        )
    return BulkResult(created=len(new_ids), skipped=len(watched))


def assignment_end(
    *,
    user,  # noqa: ANN001
    assignment_id: object,
    ended_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> WatchAssignment:
    """End a watch (the visits stay). Only staff who see the person in full."""
    policy.require_capability(user, Capability.MANAGE_WATCH)
    assignment = WatchAssignment.objects.filter(pk=as_pk(assignment_id)).first()
    # The person's scope decides, as for any personal data: out of scope is 404 and logged.
    person = policy.person_or_deny(
        user,
        assignment.person_id if assignment else assignment_id,
        request=request,
        level=policy.DetailLevel.FULL,
        scope=DataScope.WATCH,
    )
    ended_on = ended_on or today_jst()
    with transaction.atomic():
        assignment = WatchAssignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.ended_on is not None:
            raise WatchError([ALREADY_ENDED_MESSAGE])
        if ended_on < assignment.started_on:
            raise WatchError([END_BEFORE_START_MESSAGE])
        assignment.ended_on = ended_on
        assignment.save(update_fields=["ended_on"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.WATCH_ASSIGNMENT,
            target_ids=[person.pk],
            detail={"assignment": assignment.pk, "ended_on": ended_on.isoformat()},
            request=request,
        )
    return assignment


def user_by_id(user_id: object):  # noqa: ANN201
    """An active user by id (for forms naming a watcher), or None."""
    return get_user_model().objects.filter(pk=as_pk(user_id), is_active=True).first()
