"""Pages of the distribution register and the roster outputs (PDF, Excel, CSV). Ward welfare staff only: others
get 403 and the attempt is logged. Each view checks its input, calls a service or selector and renders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.access.policy import Capability, capability_required
from tsunagu.areas.models import District
from tsunagu.audit.forms import PurposeField
from tsunagu.jobs.models import JobKind, JobStatus
from tsunagu.jobs.services import enqueue
from tsunagu.jobs.views import job_response
from tsunagu.organisations.models import Agreement, Organisation

from ..models import Distribution, DistributionForm, RosterBuild
from ..outputs import OUTPUT_BAD_FORMAT_MESSAGE, OutputFormat
from ..selectors import (
    DistributionFilters,
    DistributionStatus,
    agreements_for_distribution,
    distribution_get,
    distribution_list,
    distribution_overdue,
)
from ..services import (
    DistributionRefusedError,
    distribution_create,
    distribution_mark_destroyed,
    distribution_mark_returned,
)

DISTRIBUTION_CREATED_MESSAGE = gettext_lazy("提供記録 {number} を登録しました（{count}人）。")
DISTRIBUTION_RETURNED_MESSAGE = gettext_lazy("提供記録 {number} の返却を記録しました。")
DISTRIBUTION_DESTROYED_MESSAGE = gettext_lazy("提供記録 {number} の廃棄を記録しました。")
DISTRIBUTION_LIST_LIMIT = 500


class DistrictChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: District) -> str:
        return f"{obj.district_type.name}：{obj.name}"


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agreement) -> str:
        return f"{obj.organisation.name}：{obj.title}（{obj.document_reference}、{obj.valid_to}まで）"


class BuildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RosterBuild) -> str:
        return _("第{number}版（基準日 {day}）").format(number=obj.number, day=obj.reference_date)


class DistributionCreateForm(forms.Form):
    agreement = AgreementChoiceField(label=gettext_lazy("団体と協定"), queryset=Agreement.objects.none())
    build = BuildChoiceField(label=gettext_lazy("名簿の版"), queryset=RosterBuild.objects.order_by("-number"))
    districts = DistrictChoiceField(
        label=gettext_lazy("提供する地区"),
        queryset=District.objects.select_related("district_type"),
        widget=forms.CheckboxSelectMultiple,
    )
    form = forms.ChoiceField(
        label=gettext_lazy("提供の形態"), choices=DistributionForm.choices, widget=forms.RadioSelect
    )
    distributed_on = forms.DateField(label=gettext_lazy("提供日"), widget=forms.DateInput(attrs={"type": "date"}))
    return_due_on = forms.DateField(
        label=gettext_lazy("返却期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("紙の場合、空欄なら協定の終了日か1年後の早いほうになります。"),
    )
    note = forms.CharField(label=gettext_lazy("備考"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements_for_distribution()
        self.fields["build"].initial = RosterBuild.current_id()
        self.fields["distributed_on"].initial = timezone.localdate()


class DistributionFilterForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("団体"),
        queryset=Organisation.objects.filter(agreements__isnull=False).distinct().order_by("name"),
        required=False,
        empty_label=gettext_lazy("すべての団体"),
    )
    build = BuildChoiceField(
        label=gettext_lazy("名簿の版"),
        queryset=RosterBuild.objects.order_by("-number"),
        required=False,
        empty_label=gettext_lazy("すべての版"),
    )
    form = forms.ChoiceField(
        label=gettext_lazy("提供の形態"),
        choices=[("", gettext_lazy("すべての形態")), *DistributionForm.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("返却・廃棄"),
        choices=[
            (DistributionStatus.ALL, gettext_lazy("すべて")),
            (DistributionStatus.OUTSTANDING, gettext_lazy("未返却・未廃棄")),
            (DistributionStatus.OVERDUE, gettext_lazy("返却期限切れ")),
            (DistributionStatus.CLOSED, gettext_lazy("返却・廃棄済み")),
        ],
        required=False,
    )
    number = forms.CharField(label=gettext_lazy("配布番号"), required=False, max_length=30)

    def filters(self) -> DistributionFilters:
        data = self.cleaned_data
        return DistributionFilters(
            organisation_id=data["organisation"].pk if data.get("organisation") else None,
            build_id=data["build"].pk if data.get("build") else None,
            form=data.get("form") or "",
            status=data.get("status") or DistributionStatus.ALL,
            number=data.get("number") or "",
        )


class DateForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("日付"), widget=forms.DateInput(attrs={"type": "date"}))


class OutputForm(forms.Form):
    purpose = PurposeField()
    output_format = forms.ChoiceField(
        label=gettext_lazy("出力形式"),
        choices=OutputFormat.choices,
        widget=forms.RadioSelect,
        initial=OutputFormat.PDF,
        error_messages={"required": OUTPUT_BAD_FORMAT_MESSAGE, "invalid_choice": OUTPUT_BAD_FORMAT_MESSAGE},
    )


class DistrictOutputForm(OutputForm):
    district = forms.ModelChoiceField(
        label=gettext_lazy("地区"), queryset=District.objects.select_related("district_type")
    )
    build = BuildChoiceField(
        label=gettext_lazy("名簿の版"),
        queryset=RosterBuild.objects.order_by("-number"),
        required=False,
        empty_label=gettext_lazy("最新の版"),
    )


def _get(request: HttpRequest, distribution_id: int) -> Distribution:
    distribution = distribution_get(user=request.user, distribution_id=distribution_id, request=request)
    if distribution is None:
        raise Http404("distribution not found")
    return distribution


@capability_required(Capability.MANAGE_DISTRIBUTIONS)
@require_GET
def distribution_list_view(request: HttpRequest) -> HttpResponse:
    form = DistributionFilterForm(request.GET)
    distributions: list[Distribution] = []
    total = 0
    if form.is_valid():
        qs = distribution_list(user=request.user, filters=form.filters())
        total = qs.count()
        distributions = list(qs[:DISTRIBUTION_LIST_LIMIT])
    context = {"form": form, "distributions": distributions, "total": total, "today": timezone.localdate()}
    return render(request, "roster/distribution_list.html", context)


@capability_required(Capability.MANAGE_DISTRIBUTIONS)
@require_GET
def distribution_overdue_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    distributions = list(distribution_overdue(user=request.user, day=today))
    for distribution in distributions:
        distribution.days_overdue = (today - distribution.return_due_on).days
    return render(request, "roster/distribution_overdue.html", {"distributions": distributions, "today": today})


@capability_required(Capability.MANAGE_DISTRIBUTIONS)
@require_http_methods(["GET", "POST"])
def distribution_create_view(request: HttpRequest) -> HttpResponse:
    form = DistributionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            distribution = distribution_create(
                user=request.user,
                organisation=data["agreement"].organisation,
                agreement=data["agreement"],
                build=data["build"],
                districts=data["districts"],
                form=data["form"],
                distributed_on=data["distributed_on"],
                return_due_on=data["return_due_on"],
                note=data["note"],
                request=request,
            )
        except DistributionRefusedError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                str(DISTRIBUTION_CREATED_MESSAGE).format(number=distribution.number, count=distribution.person_count),
            )
            return redirect("roster:distribution_detail", distribution_id=distribution.pk)
    return render(request, "roster/distribution_form.html", {"form": form})


def _detail(request: HttpRequest, distribution: Distribution, **forms_: forms.Form) -> HttpResponse:
    context = {
        "distribution": distribution,
        "return_form": forms_.get("return_form") or DateForm(initial={"day": timezone.localdate()}),
        "destroy_form": forms_.get("destroy_form") or DateForm(initial={"day": timezone.localdate()}),
        "output_form": forms_.get("output_form") or OutputForm(),
        "is_paper": distribution.form == DistributionForm.PAPER,
        "is_screen": distribution.form == DistributionForm.SCREEN,
        "agreement_valid": distribution.agreement.is_valid_on(timezone.localdate()),
    }
    status = 400 if forms_ else 200
    return render(request, "roster/distribution_detail.html", context, status=status)


@capability_required(Capability.MANAGE_DISTRIBUTIONS)
@require_GET
def distribution_detail_view(request: HttpRequest, distribution_id: int) -> HttpResponse:
    return _detail(request, _get(request, distribution_id))


def _close(request: HttpRequest, distribution_id: int, *, returned: bool) -> HttpResponse:
    distribution = _get(request, distribution_id)
    form = DateForm(request.POST)
    name = "return_form" if returned else "destroy_form"
    if not form.is_valid():
        return _detail(request, distribution, **{name: form})
    try:
        if returned:
            distribution_mark_returned(
                user=request.user, distribution=distribution, returned_on=form.cleaned_data["day"], request=request
            )
        else:
            distribution_mark_destroyed(
                user=request.user, distribution=distribution, destroyed_on=form.cleaned_data["day"], request=request
            )
    except DistributionRefusedError as refusal:
        form.add_error(None, str(refusal))
        return _detail(request, distribution, **{name: form})
    message = DISTRIBUTION_RETURNED_MESSAGE if returned else DISTRIBUTION_DESTROYED_MESSAGE
    messages.success(request, str(message).format(number=distribution.number))
    return redirect("roster:distribution_detail", distribution_id=distribution.pk)


@capability_required(Capability.MANAGE_DISTRIBUTIONS)
@require_POST
def distribution_return_view(request: HttpRequest, distribution_id: int) -> HttpResponse:
    return _close(request, distribution_id, returned=True)


@capability_required(Capability.MANAGE_DISTRIBUTIONS)
@require_POST
def distribution_destroy_view(request: HttpRequest, distribution_id: int) -> HttpResponse:
    return _close(request, distribution_id, returned=False)


@capability_required(Capability.MANAGE_DISTRIBUTIONS)
@require_POST
def output_distribution_view(request: HttpRequest, distribution_id: int) -> HttpResponse:
    distribution = _get(request, distribution_id)
    form = OutputForm(request.POST)
    if form.is_valid():
        # A large roster's PDF takes a while: a background job (tsunagu.roster.jobs) makes it.
        job = enqueue(
            JobKind.ROSTER_OUTPUT,
            "tsunagu.roster.jobs.roster_output_distribution_job",
            user=request.user,
            request=request,
            distribution_id=distribution.pk,
            output_format=form.cleaned_data["output_format"],
            purpose=form.cleaned_data["purpose"],
        )
        if job.status != JobStatus.FAILED:
            return job_response(request, job)
        form.add_error(None, job.error)
    return _detail(request, distribution, output_form=form)


@capability_required(Capability.MANAGE_DISTRIBUTIONS)
@require_http_methods(["GET", "POST"])
def output_district_view(request: HttpRequest) -> HttpResponse:
    form = DistrictOutputForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = enqueue(
            JobKind.ROSTER_OUTPUT,
            "tsunagu.roster.jobs.roster_output_district_job",
            user=request.user,
            request=request,
            district_id=data["district"].pk,
            build_id=data["build"].pk if data["build"] else None,
            output_format=data["output_format"],
            purpose=data["purpose"],
        )
        if job.status != JobStatus.FAILED:
            return job_response(request, job)
        form.add_error(None, job.error)
    status = 400 if request.method == "POST" else 200
    return render(request, "roster/output_district.html", {"form": form}, status=status)
