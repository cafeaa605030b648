"""Consent-request letters as a background job (tsunagu.jobs): a district of thousands of 未回答 persons makes a
PDF of thousands of pages. The function calls the consent service, which asks the policy, records the requests
and writes the EXPORT audit entry in one transaction, as it does for a direct request."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from tsunagu.areas.models import District
from tsunagu.jobs.services import JobFailed, JobOutcome, ProgressReporter

from . import services


def consent_letters_job(
    *,
    user: Any,
    request: HttpRequest | None,
    report_progress: ProgressReporter,
    district_id: int,
    sent_on: str,
    reply_days: int,
    sender: str,
    contact: str,
    purpose: str,
) -> JobOutcome:
    report_progress(0, 1, _("同意確認書を作成しています"))
    district = get_object_or_404(District, pk=district_id)
    try:
        batch = services.consent_letters_create(
            user=user,
            district=district,
            sent_on=datetime.date.fromisoformat(sent_on),
            reply_days=reply_days,
            sender=sender,
            contact=contact,
            purpose=purpose,
            request=request,
        )
    except ValidationError as error:
        raise JobFailed("\n".join(error.messages)) from error
    report_progress(1, 1, "")
    return JobOutcome(
        message=_("{count}人分の同意確認書を作成しました。").format(count=len(batch.persons)),
        content=batch.pdf,
        filename=batch.filename,
        content_type="application/pdf",
    )
