"""Shelters in an event: the list of the event's shelters (open / close, occupancy against capacity), and one
shelter's arrivals and departures — one by one (search a person of the event), or a list of names pasted or
uploaded from the shelter's sheet, matched and shown on a confirmation page, and recorded only when staff confirm.
Each view parses input, asks a selector or a service and renders; the ward's staff only (require_shelter_staff)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tsunagu.core.csvio import UndecodableFileError, read_csv_text
from tsunagu.core.wareki import parse_birth_date

from ..models import SafetyStatus
from ..selectors.shelters import (
    SKIP,
    ArrivalList,
    arrival_list_choices,
    arrival_list_match,
    arrival_list_shown,
    event_person_search,
    occupancy_over_time,
    shelter_detail,
    shelters_board,
)
from ..services.events import DisasterError
from ..services.shelters import (
    DEPARTURE_STATUSES,
    Arrival,
    require_shelter_staff,
    shelter_arrival_record,
    shelter_arrivals_apply,
    shelter_close,
    shelter_departure_record,
    shelter_open,
)

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
LIST_MAX_BYTES = 1024 * 1024
LIST_MAX_CHARS = 200_000
# How long a checked list may wait on its confirmation page.
LIST_TOKEN_AGE = 12 * 60 * 60

TOO_LARGE_MESSAGE = gettext_lazy("ファイルが大きすぎます（1 MB まで）。")
NO_LIST_MESSAGE = gettext_lazy("名簿を貼り付けるか、CSVファイルを選んでください。")
STALE_LIST_MESSAGE = gettext_lazy("確認画面の有効期限が切れました。もう一度名簿を確かめてください。")


def shelter_staff_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in (else the login page), then the ward's staff who run the event (else the one 403 page, logged)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        require_shelter_staff(request.user)
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _when_field(label: str, help_text: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
        help_text=help_text,
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("氏名・ふりがな"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
        help_text=gettext_lazy("ひらがな・カタカナ・漢字のどれでも探せます（髙・﨑などの異体字も）。"),
    )
    birth = forms.CharField(
        label=gettext_lazy("生年月日"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("例：昭和15年5月3日、S15.5.3、1940-05-03"),
    )

    def clean_birth(self) -> Any:
        text = self.cleaned_data["birth"].strip()
        if not text:
            return None
        try:
            return parse_birth_date(text)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="birth_date") from None


class ArrivalForm(forms.Form):
    person_id = forms.IntegerField(widget=forms.HiddenInput)
    arrived_at = _when_field(
        gettext_lazy("入所日時"), gettext_lazy("空欄なら今の時刻。紙の受付簿から後で入れるときは、入所した時刻に。")
    )
    note = forms.CharField(label=gettext_lazy("メモ"), required=False, max_length=500)


class DepartureForm(forms.Form):
    stay = forms.CharField(widget=forms.HiddenInput, max_length=20)
    status = forms.ChoiceField(
        label=gettext_lazy("退所後の安否"),
        required=False,
        choices=[("", gettext_lazy("記録しない（避難済のまま）"))]
        + [(s, SafetyStatus(s).label) for s in DEPARTURE_STATUSES],
    )
    place = forms.CharField(label=gettext_lazy("行き先"), required=False, max_length=200)
    note = forms.CharField(label=gettext_lazy("メモ"), required=False, max_length=1000)


class ArrivalListForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("名簿を貼り付ける"),
        required=False,
        max_length=LIST_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "1行に1人、「氏名, ふりがな, 生年月日」の順に（表計算ソフトからの貼り付けも可）。"
            "生年月日は和暦（昭和15年5月3日、S15.5.3）でも西暦でも。"
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("またはCSVファイル"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
        help_text=gettext_lazy("見出し「氏名」「ふりがな」「生年月日」の列を読みます。CP932（Shift_JIS）またはUTF-8。"),
    )
    arrived_at = _when_field(
        gettext_lazy("入所日時"), gettext_lazy("名簿の全員に同じ時刻を記録します。空欄なら今の時刻。")
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and upload.size > LIST_MAX_BYTES:
            raise forms.ValidationError(TOO_LARGE_MESSAGE)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload:
            try:
                data["text"] = read_csv_text(upload).text
            except UndecodableFileError as error:
                self.add_error("file", str(error))
        elif not (data.get("text") or "").strip() and not self.errors:
            raise forms.ValidationError(NO_LIST_MESSAGE)
        return data


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    arrived_at = _when_field(
        gettext_lazy("入所日時"), gettext_lazy("名簿の全員に同じ時刻を記録します。空欄なら今の時刻。")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "confirm_%s")  # the page also holds the list's form, with its own ids
        super().__init__(*args, **kwargs)


def _token_salt(event_id: object, shelter_id: object) -> str:
    return f"tsunagu.disaster.shelter-list:{event_id}:{shelter_id}"


# --- the event's shelters ---------------------------------------------------------------------------------------


@shelter_staff_required
@require_GET
def shelters_view(request: HttpRequest, event_id: str) -> HttpResponse:
    board = shelters_board(user=request.user, event_id=event_id, request=request)
    return render(request, "disaster/shelters.html", {"board": board, "event": board.event})


@shelter_staff_required
@require_POST
def shelter_open_view(request: HttpRequest, event_id: str) -> HttpResponse:
    try:
        opening = shelter_open(
            user=request.user, event_id=event_id, shelter_id=request.POST.get("shelter", ""), request=request
        )
    except DisasterError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("disaster:shelters", event_id=event_id)
    messages.success(request, _("%(name)sを開設しました。") % {"name": opening.shelter.name})
    return redirect("disaster:shelter", event_id=event_id, shelter_id=opening.shelter_id)


@shelter_staff_required
@require_POST
def shelter_close_view(request: HttpRequest, event_id: str, shelter_id: str) -> HttpResponse:
    try:
        opening = shelter_close(user=request.user, event_id=event_id, shelter_id=shelter_id, request=request)
    except DisasterError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("disaster:shelter", event_id=event_id, shelter_id=shelter_id)
    messages.success(request, _("%(name)sを閉鎖しました。") % {"name": opening.shelter.name})
    return redirect("disaster:shelters", event_id=event_id)


# --- one shelter ------------------------------------------------------------------------------------------------


@shelter_staff_required
@require_GET
def shelter_view(request: HttpRequest, event_id: str, shelter_id: str) -> HttpResponse:
    return _shelter_page(request, event_id, shelter_id)


def _shelter_page(
    request: HttpRequest,
    event_id: str,
    shelter_id: str,
    *,
    list_form: ArrivalListForm | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = shelter_detail(user=request.user, event_id=event_id, shelter_id=shelter_id, request=request)
    search_form = PersonSearchForm(request.GET if "q" in request.GET or "birth" in request.GET else None)
    search = None
    if search_form.is_bound and search_form.is_valid():
        data = search_form.cleaned_data
        if data["q"].strip() or data["birth"]:
            search = event_person_search(
                user=request.user, event_id=event_id, query=data["q"], birth=data["birth"], request=request
            )
    timeline = occupancy_over_time(event=detail.event, shelter_id=detail.shelter.pk)
    context = {
        "detail": detail,
        "event": detail.event,
        "shelter": detail.shelter,
        "search_form": search_form,
        "search": search,
        "arrival_form": ArrivalForm(),
        "departure_form": DepartureForm(),
        "list_form": list_form or ArrivalListForm(),
        "hours": timeline[0].hours[-24:] if timeline else [],
    }
    return render(request, "disaster/shelters_detail.html", context, status=status)


@shelter_staff_required
@require_POST
def shelter_arrive_view(request: HttpRequest, event_id: str, shelter_id: str) -> HttpResponse:
    form = ArrivalForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("disaster:shelter", event_id=event_id, shelter_id=shelter_id)
    data = form.cleaned_data
    try:
        stay = shelter_arrival_record(
            user=request.user,
            event_id=event_id,
            shelter_id=shelter_id,
            person_id=data["person_id"],
            arrived_at=data["arrived_at"],
            note=data["note"],
            request=request,
        )
    except DisasterError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(name)sさんの入所を記録しました（安否：避難済）。") % {"name": stay.person.full_name}
        )
    return redirect("disaster:shelter", event_id=event_id, shelter_id=shelter_id)


@shelter_staff_required
@require_POST
def shelter_depart_view(request: HttpRequest, event_id: str, shelter_id: str) -> HttpResponse:
    form = DepartureForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("disaster:shelter", event_id=event_id, shelter_id=shelter_id)
    data = form.cleaned_data
    try:
        stay = shelter_departure_record(
            user=request.user,
            event_id=event_id,
            stay_id=data["stay"],
            shelter_id=shelter_id,
            status=data["status"],
            place=data["place"],
            note=data["note"],
            request=request,
        )
    except DisasterError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)sさんの退所を記録しました。") % {"name": stay.person.full_name})
    return redirect("disaster:shelter", event_id=event_id, shelter_id=shelter_id)


# --- a list of names: check, confirm, apply --------------------------------------------------------------------


@shelter_staff_required
@require_POST
def shelter_list_check_view(request: HttpRequest, event_id: str, shelter_id: str) -> HttpResponse:
    form = ArrivalListForm(request.POST, request.FILES)
    if not form.is_valid():
        return _shelter_page(request, event_id, shelter_id, list_form=form, status=400)
    text = form.cleaned_data["text"]
    arrivals = arrival_list_match(
        user=request.user, event_id=event_id, shelter_id=shelter_id, text=text, request=request
    )
    token = signing.dumps(text, salt=_token_salt(event_id, shelter_id), compress=True)
    confirm = ConfirmForm(initial={"token": token, "arrived_at": form.cleaned_data["arrived_at"]})
    return _confirm_page(request, arrivals, confirm, text=text, chosen=None)


@shelter_staff_required
@require_POST
def shelter_list_apply_view(request: HttpRequest, event_id: str, shelter_id: str) -> HttpResponse:
    form = ConfirmForm(request.POST)
    try:
        text = signing.loads(
            request.POST.get("token", ""), salt=_token_salt(event_id, shelter_id), max_age=LIST_TOKEN_AGE
        )
    except signing.BadSignature:
        messages.error(request, STALE_LIST_MESSAGE)
        return redirect("disaster:shelter", event_id=event_id, shelter_id=shelter_id)
    arrivals = arrival_list_match(
        user=request.user, event_id=event_id, shelter_id=shelter_id, text=text, request=request, audit=False
    )
    if not form.is_valid():
        arrival_list_shown(user=request.user, arrivals=arrivals, request=request)
        return _confirm_page(request, arrivals, form, text=text, chosen=request.POST, status=400)
    choices, errors = arrival_list_choices(arrivals, request.POST)
    if not errors:
        try:
            stays = shelter_arrivals_apply(
                user=request.user,
                event_id=event_id,
                shelter_id=shelter_id,
                arrivals=[
                    Arrival(
                        person_id=c.person_id,
                        line=c.line.line,
                        entered_name=c.line.name,
                        entered_kana=c.line.kana,
                        entered_birth=c.line.birth_text,
                    )
                    for c in choices
                ],
                arrived_at=form.cleaned_data["arrived_at"],
                request=request,
            )
        except DisasterError as error:
            errors = [str(m) for m in error.messages]
        else:
            chosen_lines = {c.line.line for c in choices}
            unrecorded = [str(line.line) for line in arrivals.lines if line.line not in chosen_lines]
            messages.success(request, _("%(count)d人の入所を記録しました（安否：避難済）。") % {"count": len(stays)})
            if unrecorded:
                messages.warning(request, _("記録しなかった行：%(lines)s") % {"lines": "、".join(unrecorded)})
            return redirect("disaster:shelter", event_id=event_id, shelter_id=shelter_id)
    for message in errors:
        form.add_error(None, message)
    arrival_list_shown(user=request.user, arrivals=arrivals, request=request)
    return _confirm_page(request, arrivals, form, text=text, chosen=request.POST, status=400)


def _confirm_page(
    request: HttpRequest,
    arrivals: ArrivalList,
    form: ConfirmForm,
    *,
    text: str,
    chosen: Any,
    status: int = 200,
) -> HttpResponse:
    """The confirmation page: every line with its candidates (the only exact match chosen in advance, a choice
    required where several or none match exactly), the lines already staying here, and every bad line with its
    line number."""
    rows = []
    for line in arrivals.choice_lines:
        if chosen is not None:
            selected = chosen.get(f"line-{line.line}", "")
        else:
            selected = str(line.proposed) if line.proposed else ""
        rows.append((line, selected))
    context = {
        "arrivals": arrivals,
        "event": arrivals.event,
        "shelter": arrivals.shelter,
        "rows": rows,
        "form": form,
        "skip": SKIP,
        "recheck_form": ArrivalListForm(initial={"text": text}),
    }
    return render(request, "disaster/shelters_confirm.html", context, status=status)
