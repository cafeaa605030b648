"""The conference pages: thin views over tsunagu.cases.selectors.conferences (who sees what, the audit) and
tsunagu.cases.services.conferences (the rules). A refused write shows the page again with the message (400)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.access.policy import Capability, capability_required
from tsunagu.audit.models import AuditAction
from tsunagu.core.output import attachment_header, output_filename

from ..conference_pdf import render_minutes_pdf
from ..models import TaskStatus
from ..selectors import ConferencePage, conference_list, conference_or_404, my_tasks, task_or_404
from ..services import (
    CaseError,
    agenda_add,
    case_agencies_of,
    conference_create,
    decision_apply,
    decision_record,
    minutes_record,
    participant_acknowledge,
    participant_add,
    task_create,
    task_update,
)
from ..support_forms import (
    AgendaForm,
    ConferenceForm,
    DecisionForm,
    MinutesForm,
    ParticipantForm,
    TaskForm,
    TaskStatusForm,
)


def _errors_to(form, error: CaseError) -> None:  # noqa: ANN001
    for message in error.messages:
        form.add_error(None, message)


@login_required
@require_GET
def conferences_view(request: HttpRequest) -> HttpResponse:
    context = {
        "conferences": conference_list(request.user),
        "tasks": my_tasks(request.user, request=request),
        "task_statuses": TaskStatus.choices,
        "now": timezone.now(),
    }
    return render(request, "cases/conferences.html", context)


@capability_required(Capability.OPEN_CASE)
@require_http_methods(["GET", "POST"])
def conference_new_view(request: HttpRequest) -> HttpResponse:
    form = ConferenceForm(request.POST or None, agencies=case_agencies_of(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["organiser"] = data["organiser"].pk
        try:
            conference = conference_create(request.user, request=request, **data)
        except CaseError as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("会議を登録しました。参加者と議題を加えてください。"))
            return redirect("cases:conference", conference_id=conference.pk)
    return render(request, "cases/conference_new.html", {"form": form}, status=400 if form.errors else 200)


def _forms(page: ConferencePage, data=None, action: str = "") -> dict:  # noqa: ANN001
    conference, visible = page.conference, page.visible_item_ids

    def bound(name: str):  # noqa: ANN202
        return data if action == name else None

    return {
        "participant_form": ParticipantForm(bound("participants")),
        "agenda_form": AgendaForm(bound("agenda"), conference=conference),
        "decision_form": DecisionForm(bound("decisions"), conference=conference, visible_ids=visible),
        "task_form": TaskForm(bound("tasks"), conference=conference, visible_ids=visible),
    }


def _page(request: HttpRequest, page: ConferencePage, *, status: int = 200, **forms) -> HttpResponse:  # noqa: ANN003
    conference = page.conference
    context = {
        "page": page,
        "conference": conference,
        "started": conference.has_started(timezone.now()),
        "decisions": page.visible_decisions(),
        "tasks": page.visible_tasks(),
        "task_status_form": TaskStatusForm(),
        **_forms(page),
        **forms,
    }
    return render(request, "cases/conference.html", context, status=status)


@login_required
@require_GET
def conference_view(request: HttpRequest, conference_id: str) -> HttpResponse:
    return _page(request, conference_or_404(request.user, conference_id, request=request))


@login_required
@require_GET
def conference_pdf_view(request: HttpRequest, conference_id: str) -> HttpResponse:
    page = conference_or_404(request.user, conference_id, request=request, action=AuditAction.EXPORT)
    day = timezone.localtime(page.conference.starts_at).date()
    name = output_filename("会議録", ascii_what="minutes", day=day, extension="pdf", number=str(page.conference.pk))
    return HttpResponse(
        render_minutes_pdf(page),
        content_type="application/pdf",
        headers={"Content-Disposition": attachment_header(name)},
    )


def _participants(request, page, form) -> None:  # noqa: ANN001
    data = form.cleaned_data
    participant_add(
        request.user,
        page.conference,
        organisation=data["organisation"],
        participant=data["username"],
        name=data["name"],
        role=data["role"],
        acknowledged=data["acknowledged"],
        request=request,
    )


def _agenda(request, page, form) -> None:  # noqa: ANN001
    agenda_add(request.user, page.conference, form.cleaned_data["case"].pk, topic=form.cleaned_data["topic"])


def _decisions(request, page, form) -> None:  # noqa: ANN001
    data = form.cleaned_data
    decision_record(
        request.user,
        page.conference,
        data["agenda_item"],
        kind=data["kind"],
        text=data["text"],
        organisation=data["organisation"],
        request=request,
    )


def _tasks(request, page, form) -> None:  # noqa: ANN001
    data = form.cleaned_data
    task_create(
        request.user,
        page.conference,
        description=data["description"],
        due_on=data["due_on"],
        owner_organisation=data["owner_organisation"],
        owner_user=data["owner_user"],
        item_id=data["agenda_item"] or None,
        request=request,
    )


ACTIONS: dict[str, tuple[str, Callable, Promise]] = {
    "participants": ("participant_form", _participants, gettext_lazy("参加者を加えました。")),
    "agenda": ("agenda_form", _agenda, gettext_lazy("議題に加えました。")),
    "decisions": ("decision_form", _decisions, gettext_lazy("決定を記録しました。")),
    "tasks": ("task_form", _tasks, gettext_lazy("タスクを登録しました。")),
}


@login_required
@require_POST
def conference_action_view(request: HttpRequest, conference_id: str, action: str) -> HttpResponse:
    """The forms of the conference page that add something (participant, agenda item, decision, task)."""
    if action not in ACTIONS:
        raise Http404("unknown action")
    page = conference_or_404(request.user, conference_id, request=request, audit=False)
    form_name, handler, done = ACTIONS[action]
    form = _forms(page, request.POST, action)[form_name]
    if form.is_valid():
        try:
            handler(request, page, form)
        except CaseError as error:
            _errors_to(form, error)
        else:
            messages.success(request, done)
            return redirect("cases:conference", conference_id=page.conference.pk)
    page = conference_or_404(request.user, page.conference.pk, request=request)
    return _page(request, page, status=400, **{form_name: form})


def _refused(request: HttpRequest, page: ConferencePage, error: CaseError) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect("cases:conference", conference_id=page.conference.pk)


@login_required
@require_POST
def acknowledge_view(request: HttpRequest, conference_id: str, participant_id: str) -> HttpResponse:
    page = conference_or_404(request.user, conference_id, request=request, audit=False)
    try:
        participant_acknowledge(request.user, page.conference, participant_id, request=request)
    except CaseError as error:
        return _refused(request, page, error)
    messages.success(request, _("守秘義務の確認を記録しました。"))
    return redirect("cases:conference", conference_id=page.conference.pk)


@login_required
@require_POST
def minutes_view(request: HttpRequest, conference_id: str, item_id: str) -> HttpResponse:
    page = conference_or_404(request.user, conference_id, request=request, audit=False)
    if not any(row.visible and str(row.item.pk) == item_id for row in page.agenda):
        raise Http404("agenda item not visible")
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            minutes = form.cleaned_data["minutes"]
            minutes_record(request.user, page.conference, item_id, minutes=minutes, request=request)
        except CaseError as error:
            return _refused(request, page, error)
        messages.success(request, _("議事録を保存しました。"))
    return redirect("cases:conference", conference_id=page.conference.pk)


@login_required
@require_POST
def apply_decision_view(request: HttpRequest, conference_id: str, decision_id: str) -> HttpResponse:
    page = conference_or_404(request.user, conference_id, request=request, audit=False)
    try:
        decision_apply(
            request.user,
            page.conference,
            decision_id,
            confidentiality_acknowledged=bool(request.POST.get("confidentiality_acknowledged")),
            request=request,
        )
    except CaseError as error:
        return _refused(request, page, error)
    messages.success(request, _("決定を反映し、機関を支援チームに加えました。"))
    return redirect("cases:conference", conference_id=page.conference.pk)


@login_required
@require_POST
def task_status_view(request: HttpRequest, task_id: str) -> HttpResponse:
    task = task_or_404(request.user, task_id, request=request)
    form = TaskStatusForm(request.POST)
    if form.is_valid():
        try:
            task_update(request.user, task, request=request, **form.cleaned_data)
        except CaseError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            status = task.get_status_display()
            messages.success(request, _("タスクの状況を「%(status)s」にしました。") % {"status": status})
    target = request.POST.get("next")
    if target == "tasks":
        return redirect("cases:conferences")
    return redirect("cases:conference", conference_id=task.conference_id)
