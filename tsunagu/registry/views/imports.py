"""The resident import page: ward welfare staff upload the registry's CSV; a background job imports it."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from tsunagu.access import policy
from tsunagu.jobs.models import JobKind
from tsunagu.jobs.services import enqueue
from tsunagu.jobs.views import job_response

# Far above a ward's file (250,000 residents ≈ 60 MB); a city-wide file is imported ward by ward or on the server.
IMPORT_MAX_BYTES = 1024 * 1024 * 1024
TOO_LARGE_MESSAGE = _("ファイルが大きすぎます（1 GB まで）。")


class ResidentsImportForm(forms.Form):
    file = forms.FileField(
        label=_("住民データのCSVファイル"),
        help_text=_("CP932（Shift_JIS）またはUTF-8。列の説明は「住民データの取込」の手引きにあります。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("検査のみ（書き込みをせず、件数だけを確認する）"), required=False
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(TOO_LARGE_MESSAGE)
        return upload


@policy.capability_required(policy.Capability.MANAGE_REGISTRY)
@require_http_methods(["GET", "POST"])
def residents_import_view(request: HttpRequest) -> HttpResponse:
    form = ResidentsImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = enqueue(
            JobKind.RESIDENTS_IMPORT,
            "tsunagu.registry.jobs.residents_import_job",
            user=request.user,
            request=request,
            input_file=upload,
            filename=upload.name[:255],
            dry_run=form.cleaned_data["dry_run"],
        )
        return job_response(request, job)
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/import.html", {"form": form}, status=status)
