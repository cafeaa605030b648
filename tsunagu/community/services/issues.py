"""Area issues (地域課題): raised by members or proposed from a suppressed figure; merged and split with their
history kept; linked to meetings. Every text is checked for personal data before saving (privacy.check_text)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import AreaIssue, Forum, IssueEvent, IssueSource, IssueStatus, IssueTag, Meeting
from ..selectors.figures import figure_by_key
from .errors import CREATE, UPDATE, CommunityError, logged
from .forums import require_member
from .privacy import check_text


def _event(issue: AreaIssue, user, kind: str, note: str = "", other: AreaIssue | None = None) -> None:  # noqa: ANN001
    IssueEvent.objects.create(issue=issue, kind=kind, note=note[:300], other=other, actor=user, at=timezone.now())


def _clean_tags(tags: list[str]) -> list[str]:
    unknown = [t for t in tags if t not in IssueTag.values]
    if unknown:
        raise CommunityError(_("分類「%(t)s」はありません。") % {"t": "、".join(unknown)})
    return sorted(set(tags), key=IssueTag.values.index)


@transaction.atomic
def issue_create(
    user, forum: Forum, *, title: str, description: str = "", tags: list[str] = (),  # noqa: ANN001
    source: str = IssueSource.MEMBER, source_figure: dict | None = None, is_public: bool = False,
    request: HttpRequest | None = None,
) -> AreaIssue:
    require_member(user, forum)
    if not title.strip():
        raise CommunityError(_("課題を入力してください。"))
    check_text(title, description)
    issue = AreaIssue.objects.create(
        forum=forum, title=title.strip(), description=description, tags=_clean_tags(list(tags)), source=source,
        source_figure=source_figure or {}, is_public=is_public, raised_by=user,
    )
    _event(issue, user, "created")
    logged(user, CREATE, request=request, forum=forum.pk, issue=issue.pk, what="issue")
    return issue


@transaction.atomic
def issue_from_figure(
    user, forum: Forum, *, source: str, key: str, title: str, description: str = "",  # noqa: ANN001
    tags: list[str] = (), request: HttpRequest | None = None,
) -> AreaIssue:
    """An issue proposed from an anonymised figure: the figure is read again on the server and kept with the
    issue (label, count, period); a hidden figure (under 5) cannot become an issue."""
    require_member(user, forum)
    figure = figure_by_key(user, forum.district, source, key)
    if figure is None:
        raise CommunityError(_("もとにする集計が見つかりません。"))
    if figure.count is None:
        raise CommunityError(_("5件未満などで秘匿している集計からは、課題を作れません。"))
    return issue_create(
        user, forum, title=title, description=description, tags=tags, source=source,
        source_figure=figure.as_dict(), request=request,
    )


@transaction.atomic
def issue_merge(user, sources: list[AreaIssue], target: AreaIssue, *, request: HttpRequest | None = None) -> AreaIssue:  # noqa: ANN001
    """Merge issues into `target`: their meetings, tags and actions move to it; each is kept, marked merged."""
    require_member(user, target.forum)
    for issue in sources:
        if issue.pk == target.pk or issue.forum_id != target.forum_id:
            raise CommunityError(_("同じ話し合いの場のほかの課題だけを統合できます。"))
        if issue.status == IssueStatus.MERGED:
            raise CommunityError(_("「%(t)s」はすでに統合されています。") % {"t": issue.title})
    for issue in sources:
        target.meetings.add(*issue.meetings.all())
        target.tags = _clean_tags([*target.tags, *issue.tags])
        issue.actions.update(issue=target)
        issue.status, issue.merged_into = IssueStatus.MERGED, target
        issue.save(update_fields=["status", "merged_into", "updated_at"])
        _event(issue, user, "merged_into", other=target)
        _event(target, user, "merged_from", other=issue)
    target.save()
    logged(user, UPDATE, request=request, forum=target.forum_id, issue=target.pk, merged=[i.pk for i in sources])
    return target


@transaction.atomic
def issue_split(
    user, issue: AreaIssue, *, title: str, description: str = "", tags: list[str] | None = None,  # noqa: ANN001
    request: HttpRequest | None = None,
) -> AreaIssue:
    """A part of an issue becomes an issue of its own, which remembers where it came from."""
    require_member(user, issue.forum)
    if issue.status == IssueStatus.MERGED:
        raise CommunityError(_("統合済みの課題は分割できません。統合先の課題を分割してください。"))
    part = issue_create(
        user, issue.forum, title=title, description=description,
        tags=issue.tags if tags is None else tags, source=IssueSource.SPLIT, request=request,
    )
    part.split_from = issue
    part.save(update_fields=["split_from"])
    part.meetings.add(*issue.meetings.all())
    _event(issue, user, "split_into", other=part)
    _event(part, user, "split_from", other=issue)
    return part


@transaction.atomic
def issue_link_meeting(user, issue: AreaIssue, meeting: Meeting, *, request: HttpRequest | None = None) -> None:  # noqa: ANN001
    require_member(user, issue.forum)
    if meeting.forum_id != issue.forum_id:
        raise CommunityError(_("同じ話し合いの場の会議だけを結びつけられます。"))
    issue.meetings.add(meeting)
    _event(issue, user, "meeting", note=str(meeting))
    logged(user, UPDATE, request=request, forum=issue.forum_id, issue=issue.pk, meeting=meeting.pk)
