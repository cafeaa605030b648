"""The roster's long work as background jobs (tsunagu.jobs): a new build, and the outputs of a district or a
distribution (a large PDF). Each function asks the policy again on the worker (a role may have changed since
the job was queued) and calls the roster's own services, which write the audit entries as they always do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.areas.models import District
from tsunagu.jobs.services import JobFailed, JobOutcome, ProgressReporter

from .models import RosterBuild
from .outputs import OutputRefusedError, roster_output_distribution, roster_output_district
from .rules import RuleError
from .selectors import distribution_get
from .services import roster_build

# Marked for extraction here, translated when shown.
BUILD_CREATED_MESSAGE = gettext_noop("名簿の第{number}版を作成しました（{count}人）。")


def roster_build_job(*, user: Any, request: HttpRequest | None, report_progress: ProgressReporter) -> JobOutcome:
    """A new build of the roster (one transaction: a worker stopped in the middle leaves no build)."""
    policy.require_capability(user, Capability.MANAGE_ROSTER)
    message = _("名簿を作成しています")
    report_progress(0, 1, message)
    try:
        build = roster_build(user=user, progress=lambda done, total: report_progress(done, total, message))
    except RuleError as error:
        raise JobFailed(str(error)) from error
    report_progress(1, 1, "")
    return JobOutcome(
        message=_(BUILD_CREATED_MESSAGE).format(number=build.number, count=build.person_count),
        url=reverse("roster:build_diff", kwargs={"number": build.number}),
    )


def _file(result: Any) -> JobOutcome:
    return JobOutcome(content=result.content, filename=result.filename, content_type=result.content_type)


def roster_output_district_job(
    *,
    user: Any,
    request: HttpRequest | None,
    report_progress: ProgressReporter,
    district_id: int,
    build_id: int | None,
    output_format: str,
    purpose: str,
) -> JobOutcome:
    """The ward's working copy of one district (PDF, XLSX or CSV)."""
    report_progress(0, 1, _("名簿のファイルを作成しています"))
    district = get_object_or_404(District, pk=district_id)
    build = get_object_or_404(RosterBuild, pk=build_id) if build_id else None
    try:
        result = roster_output_district(
            user=user, district=district, build=build, output_format=output_format, purpose=purpose, request=request
        )
    except OutputRefusedError as refusal:
        raise JobFailed(str(refusal)) from refusal
    report_progress(1, 1, "")
    return _file(result)


def roster_output_distribution_job(
    *,
    user: Any,
    request: HttpRequest | None,
    report_progress: ProgressReporter,
    distribution_id: int,
    output_format: str,
    purpose: str,
) -> JobOutcome:
    """The copy handed to a distribution's organisation (PDF, XLSX or CSV)."""
    report_progress(0, 1, _("名簿のファイルを作成しています"))
    distribution = distribution_get(user=user, distribution_id=distribution_id, request=request)
    if distribution is None:
        raise JobFailed(_("提供記録が見つかりません。"))
    try:
        result = roster_output_distribution(
            user=user, distribution=distribution, output_format=output_format, purpose=purpose, request=request
        )
    except OutputRefusedError as refusal:
        raise JobFailed(str(refusal)) from refusal
    report_progress(1, 1, "")
    return _file(result)
