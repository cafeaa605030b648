"""Consent-request letters (同意確認書): one PDF per district for every 未回答 listed person, each letter recorded
as a ConsentRequest (what 推定同意 counts from)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from tsunagu.areas.models import District
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.organisations.models import DataScope, consent_mode
from tsunagu.people.models import ConsentRequest, Person

from ..selectors import unanswered_listed_persons
from .decisions import NO_UNANSWERED_MESSAGE, REPLY_DAYS_MESSAGE, require_consent_manager


@dataclass(frozen=True)
class LetterBatch:
    persons: list[Person]
    sent_on: datetime.date
    reply_due_on: datetime.date
    pdf: bytes


def consent_letters_create(
    *,
    user,  # noqa: ANN001
    district: District,
    sent_on: datetime.date,
    reply_days: int,
    sender: str,
    contact: str,
    purpose: str,
    request: HttpRequest | None = None,
) -> LetterBatch:
    """One PDF of consent-request letters with reply slips for every 未回答 listed person of the district;
    records a ConsentRequest per person (what 推定同意 counts from) and one EXPORT audit entry."""
    from tsunagu.consent.pdf import render_consent_letters  # reportlab only when letters are made

    require_consent_manager(user)
    if not 1 <= reply_days <= 120:
        raise ValidationError(str(REPLY_DAYS_MESSAGE))
    persons = list(unanswered_listed_persons(user=user, district=district))
    if not persons:
        raise ValidationError(str(NO_UNANSWERED_MESSAGE))
    reply_due_on = sent_on + datetime.timedelta(days=reply_days)
    pdf = render_consent_letters(
        persons=persons, sent_on=sent_on, reply_due_on=reply_due_on, sender=sender, contact=contact, mode=consent_mode()
    )
    with transaction.atomic():
        ConsentRequest.objects.bulk_create(
            ConsentRequest(
                person=p,
                scope=DataScope.ROSTER,
                sent_on=sent_on,
                reply_due_on=reply_due_on,
                batch_label=f"{district.name} {sent_on.isoformat()}"[:100],
                created_by=user,
            )
            for p in persons
        )
        audit_record(
            actor=user,
            action=AuditAction.EXPORT,
            target_type=AuditTarget.PERSON,
            target_ids=[p.pk for p in persons],
            query=f"district_id={district.pk} consent=unanswered",
            purpose=purpose,
            detail={"document": "consent_letters", "reply_due_on": reply_due_on.isoformat(), "count": len(persons)},
            request=request,
        )
    return LetterBatch(persons=persons, sent_on=sent_on, reply_due_on=reply_due_on, pdf=pdf)
