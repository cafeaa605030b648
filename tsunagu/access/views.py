"""The audit log pages: search the log and check its hash chain. Only the ward's welfare staff may use them."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from tsunagu.access import policy
from tsunagu.access.selectors import audit_log_page
from tsunagu.audit.models import AuditAction, AuditEntry, AuditPurpose
from tsunagu.audit.selectors import AuditFilters, audit_verify
from tsunagu.audit.services import audit_denied, audit_record

DATE_ORDER_MESSAGE = _("終了日は開始日より後の日付にしてください。")
VERIFY_OK_MESSAGE = _("監査ログ%(checked)s件を検査しました。改ざん・削除は見つかりませんでした。")
VERIFY_PROBLEMS_MESSAGE = _("監査ログ%(checked)s件を検査し、%(count)s件の問題が見つかりました。")
VERIFY_PROBLEM_LINE = _("通番%(seq)s：%(message)s")
VERIFY_MORE_MESSAGE = _("ほかに%(count)s件の問題があります。コマンド tsunagu audit verify で全件を確認できます。")
# Enough lines to locate the damage on screen; the command lists everything.
VERIFY_PROBLEMS_SHOWN = 20
# What an entry was about, shown under its action (other apps may add types; unknown ones show as stored).
TARGET_TYPE_LABELS = {
    "person": _("住民"),
    "audit": _("監査ログ"),
    "audit_verify": _("監査ログの検査"),
}


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
    purpose = forms.ChoiceField(
        label=_("利用目的"), required=False, choices=[("", _("すべて")), *AuditPurpose.choices]
    )

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


def _forbidden(request: HttpRequest) -> HttpResponse:
    audit_denied(actor=request.user, request=request, target_type="audit", target_id=request.path)
    return render(request, "access/forbidden.html", status=403)


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if not policy.can_view_audit_log(request.user):
        return _forbidden(request)
    form = AuditSearchForm(request.GET or None)
    page = None
    rows: list[AuditRow] = []
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else AuditFilters()
        page = audit_log_page(user=request.user, filters=filters, page=request.GET.get("page") or 1, request=request)
        purposes = dict(AuditPurpose.choices)
        rows = [
            AuditRow(
                entry=e,
                target_count=len(e.target_ids or []),
                target_label=str(TARGET_TYPE_LABELS.get(e.target_type, e.target_type)),
                purpose_label=purposes.get(e.purpose, e.purpose),
            )
            for e in page.object_list
        ]
    return render(request, "access/audit_log.html", {"form": form, "page": page, "rows": rows})


@login_required
@require_POST
def audit_log_verify(request: HttpRequest) -> HttpResponse:
    if not policy.can_view_audit_log(request.user):
        return _forbidden(request)
    checked, problems = audit_verify()
    if problems:
        messages.error(request, gettext(VERIFY_PROBLEMS_MESSAGE) % {"checked": checked, "count": len(problems)})
        for problem in problems[:VERIFY_PROBLEMS_SHOWN]:
            messages.error(request, gettext(VERIFY_PROBLEM_LINE) % {"seq": problem.seq, "message": problem.message})
        if len(problems) > VERIFY_PROBLEMS_SHOWN:
            messages.error(request, gettext(VERIFY_MORE_MESSAGE) % {"count": len(problems) - VERIFY_PROBLEMS_SHOWN})
    else:
        messages.success(request, gettext(VERIFY_OK_MESSAGE) % {"checked": checked})
    # Recorded after the check, so the check never covers its own entry.
    audit_record(
        actor=request.user,
        action=AuditAction.LIST,
        target_type="audit_verify",
        detail={"checked": checked, "problems": len(problems)},
        request=request,
    )
    return redirect("access:audit_log")
