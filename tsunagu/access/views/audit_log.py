"""The audit log pages: search the log and check its hash chain. Only the ward's welfare staff may use them."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from tsunagu.access.policy import Capability, capability_required
from tsunagu.access.selectors import audit_log_check, audit_log_page
from tsunagu.audit.models import AuditAction, AuditEntry, AuditPurpose
from tsunagu.audit.selectors import AuditFilters
from tsunagu.core.paging import page_number

DATE_ORDER_MESSAGE = _("終了日は開始日より後の日付にしてください。")
VERIFY_OK_MESSAGE = _("監査ログ%(checked)s件を検査しました。改ざん・削除は見つかりませんでした。")
VERIFY_PROBLEMS_MESSAGE = _("監査ログ%(checked)s件を検査し、%(count)s件の問題が見つかりました。")
VERIFY_PROBLEM_LINE = _("通番%(seq)s：%(message)s")
VERIFY_MORE_MESSAGE = _("ほかに%(count)s件の問題があります。コマンド tsunagu audit verify で全件を確認できます。")
# Enough lines to locate the damage on screen; the command lists everything.
VERIFY_PROBLEMS_SHOWN = 20


class AuditSearchForm(forms.Form):
    date_from = forms.DateField(
        label=_("開始日"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("終了日"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    username = forms.CharField(label=_("利用者（ログインID）"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False, choices=[("", _("すべて")), *AuditAction.choices])
    person_id = forms.IntegerField(
        label=_("対象の住民ID"),
        required=False,
        min_value=1,
        help_text=_("住民詳細ページのアドレス（/people/番号/）の番号です。"),
    )
    purpose = forms.ChoiceField(label=_("利用目的"), required=False, choices=[("", _("すべて")), *AuditPurpose.choices])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", DATE_ORDER_MESSAGE)
        return data

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            username=(data.get("username") or "").strip(),
            action=data.get("action") or "",
            person_id=data.get("person_id"),
            purpose=data.get("purpose") or "",
        )


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    target_count: int
    target_label: str
    purpose_label: str


@capability_required(Capability.VIEW_AUDIT_LOG)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    page = None
    rows: list[AuditRow] = []
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else AuditFilters()
        page = audit_log_page(user=request.user, filters=filters, page=page_number(request), request=request)
        purposes = dict(AuditPurpose.choices)
        rows = [
            AuditRow(
                entry=e,
                target_count=len(e.target_ids or []),
                target_label=e.get_target_type_display(),
                purpose_label=purposes.get(e.purpose, e.purpose),
            )
            for e in page.object_list
        ]
    return render(request, "access/audit_log.html", {"form": form, "page": page, "rows": rows})


@capability_required(Capability.VIEW_AUDIT_LOG)
@require_POST
def audit_log_verify(request: HttpRequest) -> HttpResponse:
    check = audit_log_check(user=request.user, request=request)
    checked, problems = check.checked, check.problems
    if problems:
        messages.error(request, gettext(VERIFY_PROBLEMS_MESSAGE) % {"checked": checked, "count": len(problems)})
        for problem in problems[:VERIFY_PROBLEMS_SHOWN]:
            messages.error(request, gettext(VERIFY_PROBLEM_LINE) % {"seq": problem.seq, "message": problem.message})
        if len(problems) > VERIFY_PROBLEMS_SHOWN:
            messages.error(request, gettext(VERIFY_MORE_MESSAGE) % {"count": len(problems) - VERIFY_PROBLEMS_SHOWN})
    else:
        messages.success(request, gettext(VERIFY_OK_MESSAGE) % {"checked": checked})
    return redirect("access:audit_log")
