"""Outreach pages (アウトリーチ): the agency's worklist with filters, flagging by hand, and an item with its actions.
Thin: the selectors decide who sees what (and log it), the services decide what may change (and log it)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.access.policy import Capability, capability_required

from ..forms import (
    OutreachCreateForm,
    OutreachFilterForm,
    OutreachNoteForm,
    OutreachReopenForm,
    OutreachResolveForm,
    OutreachUpdateForm,
)
from ..selectors import OutreachFilters, outreach_or_404, outreach_worklist
from ..services import (
    CaseError,
    case_agencies_of,
    outreach_create,
    outreach_note,
    outreach_reopen,
    outreach_resolve,
    outreach_update,
)
from .pages import _errors_to


@capability_required(Capability.MANAGE_OUTREACH)
@require_GET
def outreach_list_view(request: HttpRequest) -> HttpResponse:
    agencies = case_agencies_of(request.user)
    form = OutreachFilterForm(request.GET or None, agencies=agencies)
    filters = OutreachFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = OutreachFilters(
            source=data["source"], owner=data["owner"], overdue=data["overdue"], status=data["status"] or "open"
        )
    rows = outreach_worklist(request.user, filters, request=request)
    return render(request, "cases/outreach_list.html", {"form": form, "rows": rows, "filters": filters})


@capability_required(Capability.MANAGE_OUTREACH)
@require_http_methods(["GET", "POST"])
def outreach_new_view(request: HttpRequest) -> HttpResponse:
    agencies = case_agencies_of(request.user)
    initial = {"person_id": request.GET.get("person")} if request.GET.get("person", "").isdigit() else {}
    form = OutreachCreateForm(request.POST or None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = outreach_create(
                request.user,
                person_id=data["person_id"],
                reason=data["reason"],
                next_action=data["next_action"],
                owner_organisation=data["owner_organisation"],
                due_on=data["due_on"],
                whole_household=data["whole_household"],
                request=request,
            )
        except CaseError as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("アウトリーチに登録しました。"))
            return redirect("cases:outreach_item", item_id=item.pk)
    return render(request, "cases/outreach_new.html", {"form": form}, status=400 if form.errors else 200)


ACTIONS = {
    "note": (OutreachNoteForm, _("対応を記録しました。")),
    "update": (OutreachUpdateForm, _("担当・次の対応・期限を変更しました。")),
    "resolve": (OutreachResolveForm, _("解決にしました。")),
    "reopen": (OutreachReopenForm, _("再開しました。")),
}


def _apply(request: HttpRequest, action: str, form, item) -> None:  # noqa: ANN001
    data = form.cleaned_data
    if action == "note":
        outreach_note(request.user, item, note=data["note"], request=request)
    elif action == "update":
        outreach_update(
            request.user,
            item,
            next_action=data["next_action"],
            owner_organisation=data["owner_organisation"],
            owner_user=data["owner_user"],
            due_on=data["due_on"],
            note=data["change_note"],
            request=request,
        )
    elif action == "resolve":
        outreach_resolve(
            request.user, item, resolution=data["resolution"], note=data["resolution_note"], request=request
        )
    else:
        outreach_reopen(request.user, item, reason=data["reopen_reason"], request=request)


def _item_page(request: HttpRequest, row, status: int = 200, **bound) -> HttpResponse:  # noqa: ANN001, ANN003
    item = row.item
    context = {
        "row": row,
        "item": item,
        "events": item.events.select_related("by"),
        "note_form": bound.get("note") or OutreachNoteForm(),
        "update_form": bound.get("update") or OutreachUpdateForm(item=item),
        "resolve_form": bound.get("resolve") or OutreachResolveForm(),
        "reopen_form": bound.get("reopen") or OutreachReopenForm(),
    }
    return render(request, "cases/outreach_item.html", context, status=status)


@capability_required(Capability.MANAGE_OUTREACH)
@require_GET
def outreach_item_view(request: HttpRequest, item_id: str) -> HttpResponse:
    return _item_page(request, outreach_or_404(request.user, item_id, request=request))


@capability_required(Capability.MANAGE_OUTREACH)
@require_POST
def outreach_action_view(request: HttpRequest, item_id: str) -> HttpResponse:
    row = outreach_or_404(request.user, item_id, request=request, audit=False)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("操作を選んでください。"))
        return redirect("cases:outreach_item", item_id=row.item.pk)
    form_class, done = ACTIONS[action]
    form = form_class(request.POST, item=row.item) if action == "update" else form_class(request.POST)
    if form.is_valid():
        try:
            _apply(request, action, form, row.item)
        except CaseError as error:
            _errors_to(form, error)
        else:
            messages.success(request, done)
            return redirect("cases:outreach_item", item_id=row.item.pk)
    # Shown again with the reasons: a read like any other, logged.
    row = outreach_or_404(request.user, item_id, request=request)
    return _item_page(request, row, status=400, **{action: form})
