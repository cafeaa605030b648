"""Consent-request letters (同意確認書): one PDF per district for every 未回答 listed person, each letter recorded
as a ConsentRequest (what 推定同意 counts from) with its own number (整理番号, R8-000123), printed on the letter and
its reply slip and typed in when the slip comes back."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from tsunagu.areas.models import District
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.output import OutputFilename, output_filename
from tsunagu.organisations.models import DataScope, consent_mode
from tsunagu.people.models import ConsentRequest, Person, letter_number_prefix
from tsunagu.people.services.consent_state import refresh_consent_state

from ..selectors import unanswered_listed_persons
from .decisions import NO_UNANSWERED_MESSAGE, REPLY_DAYS_MESSAGE, require_consent_manager

# The PDF's name (tsunagu.core.output.output_filename): 同意確認書_20261201_泉尾小学校区.pdf
LETTERS_NAME = "同意確認書"
# Two batches made at the same moment may pick the same numbers; the unique constraint refuses the second,
# which then numbers again after the first.
_NUMBERING_ATTEMPTS = 5


@dataclass(frozen=True)
class LetterBatch:
    persons: list[Person]
    requests: list[ConsentRequest]  # in the order of persons (and of the PDF's pages)
    sent_on: datetime.date
    reply_due_on: datetime.date
    pdf: bytes
    filename: OutputFilename


def _next_letter_numbers(sent_on: datetime.date, count: int) -> list[str]:
    """The next ``count`` free numbers of the 年度 ``sent_on`` falls in: R8-000124, R8-000125, …"""
    prefix = letter_number_prefix(sent_on)
    taken = ConsentRequest.objects.filter(letter_number__startswith=prefix).values_list("letter_number", flat=True)
    highest = max((int(n.removeprefix(prefix)) for n in taken if n.removeprefix(prefix).isdigit()), default=0)
    return [f"{prefix}{highest + i:06d}" for i in range(1, count + 1)]


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
    records a numbered ConsentRequest per person (what 推定同意 counts from) and one EXPORT audit entry."""
    from tsunagu.consent.pdf import Letter, render_consent_letters  # reportlab only when letters are made

    require_consent_manager(user)
    if not 1 <= reply_days <= 120:
        raise ValidationError(str(REPLY_DAYS_MESSAGE))
    persons = list(unanswered_listed_persons(user=user, district=district))
    if not persons:
        raise ValidationError(str(NO_UNANSWERED_MESSAGE))
    reply_due_on = sent_on + datetime.timedelta(days=reply_days)
    mode = consent_mode()
    for attempt in range(_NUMBERING_ATTEMPTS):
        numbers = _next_letter_numbers(sent_on, len(persons))
        # The PDF is made outside the transaction (it takes a while for a large district) and again only if
        # another batch took these numbers meanwhile.
        pdf = render_consent_letters(
            letters=[Letter(person=p, number=n) for p, n in zip(persons, numbers, strict=True)],
            sent_on=sent_on,
            reply_due_on=reply_due_on,
            sender=sender,
            contact=contact,
            mode=mode,
        )
        try:
            with transaction.atomic():
                requests = ConsentRequest.objects.bulk_create(
                    ConsentRequest(
                        letter_number=number,
                        person=p,
                        scope=DataScope.ROSTER,
                        sent_on=sent_on,
                        reply_due_on=reply_due_on,
                        batch_label=f"{district.name} {sent_on.isoformat()}"[:100],
                        created_by=user,
                    )
                    for p, number in zip(persons, numbers, strict=True)
                )
                # 推定同意 counts from the first letter's reply date: the state holds it.
                refresh_consent_state([p.pk for p in persons], scope=DataScope.ROSTER)
                audit_record(
                    actor=user,
                    action=AuditAction.EXPORT,
                    target_type=AuditTarget.PERSON,
                    target_ids=[p.pk for p in persons],
                    query=f"district_id={district.pk} consent=unanswered",
                    purpose=purpose,
                    detail={
                        "document": "consent_letters",
                        "reply_due_on": reply_due_on.isoformat(),
                        "count": len(persons),
                        "letter_numbers": f"{numbers[0]}〜{numbers[-1]}",
                    },
                    request=request,
                )
            break
        except IntegrityError:
            if attempt == _NUMBERING_ATTEMPTS - 1:
                raise
    filename = output_filename(
        LETTERS_NAME,
        ascii_what="consent-letters",
        day=sent_on,
        extension="pdf",
        number=district.name,
        ascii_number=district.code,
    )
    return LetterBatch(
        persons=persons, requests=requests, sent_on=sent_on, reply_due_on=reply_due_on, pdf=pdf, filename=filename
    )
