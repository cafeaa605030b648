"""Who sees a forum: its members (an organisation the user belongs to today, or the user in person, while the
membership has not ended) and the staff who run forums (MANAGE_FORUMS) in their own ward. Anything else is a
404, logged as `denied`, like a person out of scope. The public page shows only what the forum published."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.ids import as_pk

from ..models import ActionItem, AreaIssue, Forum, Meeting


def _organisation_ids(user) -> set[int]:  # noqa: ANN001
    return {m.organisation_id for m in policy.viewer_for(user).memberships if m.organisation.is_active}


def can_manage(user, forum: Forum | None = None) -> bool:  # noqa: ANN001
    """Staff of the ward or 社協 (MANAGE_FORUMS), for forums of their own ward."""
    if not getattr(user, "is_authenticated", False) or not policy.can(user, Capability.MANAGE_FORUMS):
        return False
    return forum is None or forum.district.municipality_id in policy.viewer_for(user).municipality_ids


def _active(prefix: str = "") -> Q:
    return Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": policy.today()})


def member_forums(user) -> QuerySet[Forum]:  # noqa: ANN001
    """The forums the user sees: theirs as a member, and every forum of their ward for forum staff."""
    if not getattr(user, "is_authenticated", False):
        return Forum.objects.none()
    viewer = policy.viewer_for(user)
    seen = Q(members__in=_member_rows(viewer.user))
    if can_manage(user):
        seen |= Q(district__municipality_id__in=viewer.municipality_ids)
    return Forum.objects.filter(seen).distinct().select_related("district", "district__district_type")


def _member_rows(user):  # noqa: ANN001, ANN202
    from ..models import ForumMember

    return ForumMember.objects.filter(
        _active(), Q(user_id=user.pk) | Q(organisation_id__in=_organisation_ids(user))
    ).values("pk")


def member_of(user, forum: Forum) -> bool:  # noqa: ANN001
    if not getattr(user, "is_authenticated", False):
        return False
    return forum.members.filter(pk__in=_member_rows(policy.viewer_for(user).user)).exists()


def _denied(user, target_id: object, request: HttpRequest | None) -> Http404:  # noqa: ANN001
    audit_record(
        actor=policy.viewer_for(user).user if getattr(user, "is_authenticated", False) else None,
        action=AuditAction.DENIED,
        target_type=AuditTarget.FORUM,
        detail={"requested": str(target_id)[:40]},
        request=request,
    )
    return Http404()


def forum_or_404(user, forum_id: object, *, request: HttpRequest | None = None) -> Forum:  # noqa: ANN001
    forum = None
    if pk := as_pk(forum_id):
        forum = member_forums(user).filter(pk=pk).first()
    if forum is None:
        raise _denied(user, forum_id, request)
    return forum


def _in_forum(user, model, pk: object, request: HttpRequest | None):  # noqa: ANN001, ANN202
    row = None
    if row_id := as_pk(pk):
        row = model.objects.filter(pk=row_id, forum__in=member_forums(user)).select_related("forum").first()
    if row is None:
        raise _denied(user, pk, request)
    return row


def meeting_or_404(user, pk: object, *, request: HttpRequest | None = None) -> Meeting:  # noqa: ANN001
    return _in_forum(user, Meeting, pk, request)


def issue_or_404(user, pk: object, *, request: HttpRequest | None = None) -> AreaIssue:  # noqa: ANN001
    return _in_forum(user, AreaIssue, pk, request)


def action_or_404(user, pk: object, *, request: HttpRequest | None = None) -> ActionItem:  # noqa: ANN001
    return _in_forum(user, ActionItem, pk, request)


def public_forum_or_404(forum_id: object) -> Forum:
    forum = None
    if pk := as_pk(forum_id):
        forum = Forum.objects.filter(pk=pk, is_public=True).select_related("district").first()
    if forum is None:
        raise Http404()
    return forum
