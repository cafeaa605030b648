"""The rows of the dashboard's unconfirmed list: a person, their phone number, what the last call found and the
buttons for the result of a call.

Up to 200 rows are drawn again whenever the list changes, as often as every 5 seconds: they are built here with
format_html (a tenth of the time the template engine takes for the same markup), for the list and for the answer
to one row's report alike, so the markup lives in one place. Everything shown is escaped by format_html."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tsunagu.people.models import Person

from ..models import CONFIRMED, SafetyReport, SafetyStatus

TRIED = frozenset({SafetyStatus.UNREACHABLE, SafetyStatus.ABSENT})
# The buttons of a call's result: the usual answers first, the rest folded under 「その他」.
QUICK_STATUSES = [SafetyStatus.UNREACHABLE, SafetyStatus.SAFE, SafetyStatus.EVACUATED, SafetyStatus.NEEDS_HELP]
OTHER_STATUSES = [SafetyStatus.ABSENT, SafetyStatus.INJURED, SafetyStatus.HOSPITAL]


@dataclass
class CallRow:
    """An unconfirmed person as a caller sees them: the phone number, what the last call found, the buttons."""

    person: Person
    report_url: str
    status: str = SafetyStatus.UNCONFIRMED
    observed_at: datetime.datetime | None = None
    client_id: uuid.UUID = field(default_factory=uuid.uuid4)
    errors: list[str] = field(default_factory=list)
    note: str = ""
    recorded: SafetyReport | None = None
    again: bool = False

    @property
    def status_label(self) -> str:
        return SafetyStatus(self.status).label

    @property
    def confirmed(self) -> bool:
        return self.status in CONFIRMED


class _Text:
    """The words of a row, translated once per list rather than once per row."""

    def __init__(self) -> None:
        self.none = _("なし")
        self.again = _("この報告はすでに受け付けています。")
        self.confirmed = _("記録しました。確認済みになったので、次の更新で一覧から外れます。")
        self.recorded = _("記録しました。")
        self.more = _("その他・メモ")
        self.note = _("メモ")
        self.labels = {s: str(s.label) for s in SafetyStatus}
        self.quick = _buttons(QUICK_STATUSES, self.labels)
        self.other = _buttons(OTHER_STATUSES, self.labels)


def call_rows_html(rows: Iterable[CallRow], *, can_record: bool, csrf_token: str, answer: bool = False) -> SafeString:
    """The <tr> of each row (answer: drawn as the answer to a report, its message taking the focus)."""
    text = _Text()
    hidden_csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
    return mark_safe("\n".join(_row(r, text, can_record, hidden_csrf, answer) for r in rows))  # noqa: S308


def _buttons(statuses: list[SafetyStatus], labels: dict) -> SafeString:
    return format_html_join(
        "",
        '<button type="submit" name="status" value="{0}" class="btn status-btn status-btn--{0}">{1}</button>',
        ((s.value, labels[s]) for s in statuses),
    )


def _row(row: CallRow, text: _Text, can_record: bool, hidden_csrf: SafeString, answer: bool) -> str:
    person, pk = row.person, row.person.pk
    phone = (
        format_html('<a href="tel:{0}">{0}</a>', person.phone)
        if person.phone
        else format_html('<span class="muted">{}</span>', text.none)
    )
    when = (
        format_html(
            '<br><span class="small muted">{}</span>', date_format(timezone.localtime(row.observed_at), "n月j日 H:i")
        )
        if row.observed_at
        else ""
    )
    message = ""
    if answer and row.recorded:
        said = text.again if row.again else text.confirmed if row.confirmed else text.recorded
        message = format_html('<p class="recorded" role="status" tabindex="-1" data-focus-after-swap>{}</p>', said)
    status = format_html(
        '<td><span class="{}">{}</span>{}{}</td>',
        "badge badge-warning" if row.status in TRIED else "badge",
        text.labels[SafetyStatus(row.status)],
        when,
        message,
    )
    cells = format_html(
        '<th scope="row" id="call-name-{0}" class="call-table__name">{1}<br><span class="small muted">{2}</span></th>'
        '<td class="nowrap">{3}</td><td class="wrap">{4}</td>{5}',
        pk,
        person.full_name,
        person.full_name_kana,
        phone,
        person.full_address,
        status,
    )
    if can_record:
        cells = format_html("{}{}", cells, _form_cell(row, text, hidden_csrf, answer))
    return format_html('<tr id="call-{}">{}</tr>', pk, cells)


def _form_cell(row: CallRow, text: _Text, hidden_csrf: SafeString, answer: bool) -> SafeString:
    pk = row.person.pk
    errors = ""
    if row.errors:
        errors = format_html(
            '<div class="form-errors" role="alert"{}>{}</div>',
            mark_safe(' tabindex="-1" data-focus-after-swap') if answer else "",
            format_html_join("", '<p class="error">{}</p>', ((e,) for e in row.errors)),
        )
    if row.confirmed:
        return format_html('<td class="wrap">{}</td>', errors)
    form = format_html(
        '<form method="post" action="{url}" hx-post="{url}" hx-target="#call-{pk}" hx-swap="outerHTML"'
        ' class="call-form">{csrf}<input type="hidden" name="client_id" value="{client_id}">'
        '<input type="hidden" name="view" value="dashboard">'
        '<div class="call-form__buttons" role="group" aria-labelledby="call-name-{pk} call-result-label">{quick}</div>'
        '<details class="call-form__more"{open}><summary>{more}</summary>'
        '<div class="form-field"><label for="call-note-{pk}">{note_label}</label>'
        '<input type="text" id="call-note-{pk}" name="note" value="{note}" maxlength="1000" autocomplete="off"></div>'
        '<div class="call-form__buttons" role="group" aria-labelledby="call-name-{pk} call-other-label">{other}</div>'
        "</details></form>",
        url=row.report_url,
        pk=pk,
        csrf=hidden_csrf,
        client_id=row.client_id,
        quick=text.quick,
        open=mark_safe(" open") if row.note else "",
        more=text.more,
        note_label=text.note,
        note=row.note,
        other=text.other,
    )
    return format_html('<td class="wrap">{}{}</td>', errors, form)
