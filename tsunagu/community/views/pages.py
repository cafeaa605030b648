"""Pages of the district forums. Thin: selectors decide who sees what, services write and log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms import ActionForm, ActionUpdateForm, IssueForm, MeetingForm, MergeForm, MinutesForm, SplitForm
from ..models import ActionItem, IssueStatus, MeetingKind
from ..selectors import (
    action_or_404,
    action_tree,
    can_manage,
    cases_figures,
    disaster_figures,
    figure_by_key,
    forum_or_404,
    issue_or_404,
    meeting_or_404,
    member_forums,
    member_of,
    public_forum_or_404,
    watch_figures,
)
from ..selectors.figures import default_watch_period
from ..services import (
    CommunityError,
    action_create,
    action_update,
    issue_create,
    issue_from_figure,
    issue_link_meeting,
    issue_merge,
    issue_split,
    meeting_create,
    meeting_update,
)


def _errors(form, error: CommunityError) -> None:  # noqa: ANN001
    for message in error.messages:
        form.add_error(None, message)


@login_required
def forum_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "community/forum_list.html",
        {"forums": member_forums(request.user), "is_manager": can_manage(request.user)},
    )


@login_required
def board(request: HttpRequest, forum_id: str) -> HttpResponse:
    forum = forum_or_404(request.user, forum_id, request=request)
    issues = list(forum.issues.exclude(status=IssueStatus.MERGED).order_by("status", "-created_at"))
    actions = list(forum.actions.select_related("owner").order_by("due_on", "pk"))
    trees = action_tree(actions)
    by_issue: dict[int | None, list] = {}
    for node in trees:
        by_issue.setdefault(node.action.issue_id, []).append(node)
    return render(
        request,
        "community/board.html",
        {
            "forum": forum,
            "rows": [(issue, by_issue.get(issue.pk, [])) for issue in issues],
            "loose_actions": by_issue.get(None, []),
            "meetings": forum.meetings.all()[:12],
            "members": forum.members.filter(left_on__isnull=True).select_related("organisation", "user"),
            "is_manager": can_manage(request.user, forum),
        },
    )


@login_required
def figures(request: HttpRequest, forum_id: str) -> HttpResponse:
    forum = forum_or_404(request.user, forum_id, request=request)
    start, end = default_watch_period()
    return render(
        request,
        "community/figures.html",
        {
            "forum": forum,
            "start": start,
            "end": end,
            "watch": watch_figures(forum.district, start, end),
            "disaster": disaster_figures(forum.district),
            "cases": cases_figures(request.user, forum.district),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue_new(request: HttpRequest, forum_id: str) -> HttpResponse:
    forum = forum_or_404(request.user, forum_id, request=request)
    source, key = request.GET.get("source", ""), request.GET.get("key", "")
    figure = figure_by_key(request.user, forum.district, source, key) if source else None
    initial = {"source": source, "key": key}
    if figure is not None and figure.count is not None:
        initial["title"] = _("%(group)s「%(label)s」が%(count)d件（%(start)s〜%(end)s）") % {
            "group": _("見守りで気になること") if source == "watch" else figure.group,
            "label": figure.label, "count": figure.count, "start": figure.start, "end": figure.end,
        }
    form = IssueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["source"]:
                issue = issue_from_figure(
                    request.user, forum, source=data["source"], key=data["key"], title=data["title"],
                    description=data["description"], tags=data["tags"], request=request,
                )
            else:
                issue = issue_create(
                    request.user, forum, title=data["title"], description=data["description"], tags=data["tags"],
                    request=request,
                )
        except CommunityError as error:
            _errors(form, error)
        else:
            return redirect("community:issue", issue_id=issue.pk)
    return render(request, "community/issue_new.html", {"forum": forum, "form": form, "figure": figure})


@login_required
@require_http_methods(["GET", "POST"])
def issue_detail(request: HttpRequest, issue_id: str) -> HttpResponse:
    issue = issue_or_404(request.user, issue_id, request=request)
    forum = issue.forum
    merge_form = MergeForm(request.POST if request.POST.get("op") == "merge" else None)
    split_form = SplitForm(request.POST if request.POST.get("op") == "split" else None)
    action_form = ActionForm(
        request.POST if request.POST.get("op") == "action" else None, forum=forum, initial={"issue": issue.pk}
    )
    if request.method == "POST":
        try:
            op = request.POST.get("op")
            if op == "merge" and merge_form.is_valid():
                target = issue_or_404(request.user, merge_form.cleaned_data["into"], request=request)
                issue_merge(request.user, [issue], target, request=request)
                return redirect("community:issue", issue_id=target.pk)
            if op == "split" and split_form.is_valid():
                part = issue_split(request.user, issue, title=split_form.cleaned_data["title"], request=request)
                return redirect("community:issue", issue_id=part.pk)
            if op == "meeting" and request.POST.get("meeting"):
                meeting = meeting_or_404(request.user, request.POST["meeting"], request=request)
                issue_link_meeting(request.user, issue, meeting, request=request)
                return redirect("community:issue", issue_id=issue.pk)
            if op == "action" and action_form.is_valid():
                data = action_form.cleaned_data
                action = action_create(
                    request.user, forum, title=data["title"], owner=data["owner"], issue=issue,
                    parent=data["parent"], due_on=data["due_on"], description=data["description"], request=request,
                )
                return redirect("community:action", action_id=action.pk)
        except CommunityError as error:
            for form in (merge_form, split_form, action_form):
                if form.is_bound:
                    _errors(form, error)
    others = forum.issues.exclude(pk=issue.pk).exclude(status=IssueStatus.MERGED)
    return render(
        request,
        "community/issue.html",
        {
            "forum": forum, "issue": issue, "others": others, "merge_form": merge_form, "split_form": split_form,
            "action_form": action_form, "events": issue.events.select_related("other"),
            "meetings": forum.meetings.all(), "actions": action_tree(list(issue.actions.select_related("owner"))),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, action_id: str) -> HttpResponse:
    action = action_or_404(request.user, action_id, request=request)
    form = ActionUpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action_update(
                request.user, action, note=data["note"], status=data["status"], progress=data["progress"],
                request=request,
            )
        except CommunityError as error:
            _errors(form, error)
        else:
            return redirect("community:action", action_id=action.pk)
    tree = action_tree(list(ActionItem.objects.filter(forum_id=action.forum_id).select_related("owner")))
    node = _find(tree, action.pk)
    return render(
        request, "community/action.html",
        {"forum": action.forum, "action": action, "node": node, "form": form, "updates": action.updates.all()},
    )


def _find(nodes, pk: int):  # noqa: ANN001, ANN202
    for node in nodes:
        if node.action.pk == pk:
            return node
        found = _find(node.children, pk)
        if found:
            return found
    return None


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, forum_id: str) -> HttpResponse:
    forum = forum_or_404(request.user, forum_id, request=request)
    form = MeetingForm(request.POST or None, initial={"kind": request.GET.get("kind", MeetingKind.REGULAR)})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(request.user, forum, data=form.cleaned_data, request=request)
        except CommunityError as error:
            _errors(form, error)
        else:
            return redirect("community:meeting", meeting_id=meeting.pk)
    return render(request, "community/meeting_new.html", {"forum": forum, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, meeting_id: str) -> HttpResponse:
    meeting = meeting_or_404(request.user, meeting_id, request=request)
    form = MinutesForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(request.user, meeting, data=form.cleaned_data, request=request)
        except CommunityError as error:
            _errors(form, error)
        else:
            return redirect("community:meeting", meeting_id=meeting.pk)
    return render(
        request, "community/meeting.html",
        {"forum": meeting.forum, "meeting": meeting, "form": form, "can_write": member_of(request.user, meeting.forum)
         or can_manage(request.user, meeting.forum)},
    )


def public_summary(request: HttpRequest, forum_id: str) -> HttpResponse:
    """Readable without login: only what the forum marked public; no member list, no minutes."""
    forum = public_forum_or_404(forum_id)
    return render(
        request, "community/public.html",
        {
            "forum": forum,
            "meetings": forum.meetings.filter(is_public=True).only("title", "held_on", "kind", "public_note"),
            "issues": forum.issues.filter(is_public=True).exclude(status=IssueStatus.MERGED).only(
                "title", "tags", "status"
            ),
            "actions": action_tree(list(forum.actions.filter(is_public=True).select_related("owner"))),
        },
    )



