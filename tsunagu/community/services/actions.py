"""Action items (取組): owner organisation, due date, status and progress, nesting, timeline entries."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.organisations.models import Organisation

from ..models import ActionItem, ActionStatus, ActionUpdate, AreaIssue, Forum
from .errors import CREATE, UPDATE, CommunityError, logged
from .forums import require_member
from .privacy import check_text

MAX_DEPTH = 3  # 取組 → 細目 → その下まで: deeper trees are not read by anyone


def _depth(action: ActionItem | None) -> int:
    depth = 0
    while action is not None:
        depth += 1
        action = action.parent
    return depth


@transaction.atomic
def action_create(
    user, forum: Forum, *, title: str, owner: Organisation, issue: AreaIssue | None = None,  # noqa: ANN001
    parent: ActionItem | None = None, description: str = "", due_on: datetime.date | None = None,
    status: str = ActionStatus.PLANNED, progress: int = 0, is_public: bool = False,
    request: HttpRequest | None = None,
) -> ActionItem:
    require_member(user, forum)
    if not title.strip():
        raise CommunityError(_("取組の名前を入力してください。"))
    if issue is not None and issue.forum_id != forum.pk:
        raise CommunityError(_("この話し合いの場の課題を選んでください。"))
    if parent is not None:
        if parent.forum_id != forum.pk:
            raise CommunityError(_("この話し合いの場の取組を上位に選んでください。"))
        if _depth(parent) >= MAX_DEPTH:
            raise CommunityError(_("取組の入れ子は%(n)d段までです。") % {"n": MAX_DEPTH})
        issue = issue or parent.issue
    if not 0 <= progress <= 100:
        raise CommunityError(_("進み具合は0から100の間で入力してください。"))
    check_text(title, description)
    action = ActionItem.objects.create(
        forum=forum, issue=issue, parent=parent, title=title.strip(), description=description, owner=owner,
        due_on=due_on, status=status, progress=100 if status == ActionStatus.DONE else progress,
        is_public=is_public, created_by=user,
    )
    if issue is not None and issue.status == "open":
        issue.status = "acting"
        issue.save(update_fields=["status", "updated_at"])
    logged(user, CREATE, request=request, forum=forum.pk, action_item=action.pk, what="action")
    return action


@transaction.atomic
def action_update(
    user, action: ActionItem, *, note: str, status: str = "", progress: int | None = None,  # noqa: ANN001
    on: datetime.date | None = None, request: HttpRequest | None = None,
) -> ActionUpdate:
    """A timeline entry; it may change the status and (for an action without children) the progress."""
    require_member(user, action.forum)
    if not note.strip():
        raise CommunityError(_("経過の内容を入力してください。"))
    check_text(note)
    if progress is not None:
        if not 0 <= progress <= 100:
            raise CommunityError(_("進み具合は0から100の間で入力してください。"))
        if action.children.exists():
            raise CommunityError(_("下位の取組がある取組の進み具合は、下位の取組から計算します。"))
    if status and status not in ActionStatus.values:
        raise CommunityError(_("状況の値が正しくありません。"))
    entry = ActionUpdate.objects.create(
        action=action, on=on or timezone.localdate(), note=note.strip(), status=status, progress=progress,
        author=user,
    )
    if status:
        action.status = status
    if status == ActionStatus.DONE:
        action.progress = 100
    elif progress is not None:
        action.progress = progress
    action.save(update_fields=["status", "progress"])
    logged(user, UPDATE, request=request, forum=action.forum_id, action_item=action.pk, what="action_update")
    return entry
