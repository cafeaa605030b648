"""Forums, members and meetings (writes). Staff with MANAGE_FORUMS create forums and manage members; members
create meetings and write their minutes. A 見守り活動報告会 gets the watch figures of the district attached."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability, CapabilityDenied
from tsunagu.areas.models import District
from tsunagu.organisations.models import Organisation

from ..models import Forum, ForumMember, Meeting, MeetingKind
from ..selectors.access import can_manage, member_of
from ..selectors.figures import WATCH_PERIOD_DAYS, watch_snapshot
from .errors import CREATE, UPDATE, CommunityError, logged
from .privacy import check_text


def _require_manage(user, forum: Forum | None = None) -> None:  # noqa: ANN001
    if not can_manage(user, forum):
        raise CapabilityDenied(Capability.MANAGE_FORUMS)


def require_member(user, forum: Forum) -> None:  # noqa: ANN001
    """Members write in their forum; forum staff may too (they run the meetings)."""
    if not (member_of(user, forum) or can_manage(user, forum)):
        raise CapabilityDenied(Capability.MANAGE_FORUMS)


@transaction.atomic
def forum_create(user, *, district: District, name: str, description: str = "", request: HttpRequest | None = None) -> Forum:  # noqa: ANN001, E501
    policy.require_capability(user, Capability.MANAGE_FORUMS)
    if district.municipality_id not in policy.viewer_for(user).municipality_ids:
        raise CommunityError(_("自分の区の地区にだけ話し合いの場を設けられます。"))
    if Forum.objects.filter(district=district).exists():
        raise CommunityError(_("この地区にはすでに話し合いの場があります。"))
    forum = Forum.objects.create(
        district=district, name=name or _("%(d)s 話し合いの場") % {"d": district.name}, description=description,
        created_by=user,
    )
    logged(user, CREATE, request=request, forum=forum.pk, what="forum")
    return forum


@transaction.atomic
def member_add(
    user, forum: Forum, *, role: str, organisation: Organisation | None = None, member_user=None,  # noqa: ANN001
    joined_on: datetime.date | None = None, request: HttpRequest | None = None,
) -> ForumMember:
    _require_manage(user, forum)
    if (organisation is None) == (member_user is None):
        raise CommunityError(_("団体か個人のどちらか一方を選んでください。"))
    current = forum.members.filter(left_on__isnull=True)
    if organisation is not None and current.filter(organisation=organisation).exists():
        raise CommunityError(_("この団体はすでに構成員です。"))
    if member_user is not None and current.filter(user=member_user).exists():
        raise CommunityError(_("この方はすでに構成員です。"))
    member = ForumMember.objects.create(
        forum=forum, organisation=organisation, user=member_user, role=role,
        joined_on=joined_on or timezone.localdate(),
    )
    logged(user, CREATE, request=request, forum=forum.pk, member=member.pk, what="member")
    return member


@transaction.atomic
def member_end(user, member: ForumMember, *, request: HttpRequest | None = None) -> None:  # noqa: ANN001
    _require_manage(user, member.forum)
    member.left_on = timezone.localdate()
    member.save(update_fields=["left_on"])
    logged(user, UPDATE, request=request, forum=member.forum_id, member=member.pk, what="member_end")


def _watch_period(forum: Forum, held_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """From the day after the forum's previous 見守り活動報告会 (at most a year back; else about three months) to
    the meeting's day, or today if the meeting is later."""
    end = min(held_on, timezone.localdate())
    previous = (
        forum.meetings.filter(kind=MeetingKind.WATCH_REPORT, held_on__lt=held_on).order_by("-held_on").first()
    )
    start = end - datetime.timedelta(days=WATCH_PERIOD_DAYS - 1)
    if previous is not None:
        start = max(previous.held_on + datetime.timedelta(days=1), end - datetime.timedelta(days=365))
    return min(start, end), end


@transaction.atomic
def meeting_create(user, forum: Forum, *, data: dict, request: HttpRequest | None = None) -> Meeting:  # noqa: ANN001
    require_member(user, forum)
    fields = {k: data[k] for k in ("kind", "title", "held_on", "place", "agenda") if k in data}
    meeting = Meeting(forum=forum, created_by=user, **fields)
    if meeting.kind == MeetingKind.WATCH_REPORT:
        meeting.figures = watch_snapshot(forum.district, *_watch_period(forum, meeting.held_on))
    meeting.save()
    logged(user, CREATE, request=request, forum=forum.pk, meeting=meeting.pk, what="meeting")
    return meeting


@transaction.atomic
def meeting_update(user, meeting: Meeting, *, data: dict, request: HttpRequest | None = None) -> Meeting:  # noqa: ANN001
    """Minutes, decisions, attendance and what is published of the meeting."""
    require_member(user, meeting.forum)
    check_text(data.get("public_note", ""))  # published without login: no resident may be named
    for key in ("title", "held_on", "place", "agenda", "minutes", "decisions", "guests", "is_public", "public_note"):
        if key in data:
            setattr(meeting, key, data[key])
    meeting.save()
    if "attendees" in data:
        meeting.attendees.set([m for m in data["attendees"] if m.forum_id == meeting.forum_id])
    logged(user, UPDATE, request=request, forum=meeting.forum_id, meeting=meeting.pk, what="meeting")
    return meeting
