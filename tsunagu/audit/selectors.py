"""Reading the audit log: checking the hash chain, and the entries that match a search. The pages that show
them (and the capability check) live in tsunagu.access."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from .models import GENESIS_HASH, AuditEntry, AuditHead, AuditPurpose


@dataclass(frozen=True)
class AuditProblem:
    seq: int
    message: str


def audit_verify(*, chunk_size: int = 5000) -> tuple[int, list[AuditProblem]]:
    """Walk the whole chain. Returns (entries checked, problems). Finds altered entries (hash mismatch),
    deleted entries (a gap in the numbering or a broken link) and a truncated tail (head disagrees)."""
    problems: list[AuditProblem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        checked += 1
        if entry.seq != expected_seq:
            problems.append(AuditProblem(entry.seq, f"通番{expected_seq}〜{entry.seq - 1}の記録が削除されています。"))
        elif entry.prev_hash != prev_hash:
            problems.append(AuditProblem(entry.seq, "直前の記録とのつながり（ハッシュ）が一致しません。"))
        if entry.compute_hash() != entry.hash:
            problems.append(AuditProblem(entry.seq, "記録の内容が書き換えられています（ハッシュ不一致）。"))
        expected_seq = entry.seq + 1
        prev_hash = entry.hash
    head = AuditHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        problems.append(
            AuditProblem(head.seq, f"末尾の記録が失われています（最終通番は{head.seq}のはずが{last_seq}です）。")
        )
    return checked, problems


@dataclass(frozen=True)
class AuditFilters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    username: str = ""
    action: str = ""
    person_id: int | None = None
    purpose: str = ""

    def describe(self) -> str:
        """The filters as the audit entry of this search records them."""
        parts = []
        for name in ("date_from", "date_to", "username", "action", "person_id", "purpose"):
            value = getattr(self, name)
            if value not in (None, ""):
                parts.append(f"{name}={value}")
        return " ".join(parts)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_entry_queryset(*, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """Entries matching the filters, newest first. Dates are local (Asia/Tokyo) days, both ends included."""
    qs = AuditEntry.objects.all()
    if filters.date_from:
        qs = qs.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    if filters.username:
        qs = qs.filter(actor_username__icontains=filters.username)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.purpose:
        # Exports may store the purpose's code or its label; either matches.
        labels = dict(AuditPurpose.choices)
        qs = qs.filter(Q(purpose=filters.purpose) | Q(purpose=labels.get(filters.purpose, filters.purpose)))
    if filters.person_id is not None:
        # target_ids is a JSON list of numbers. JSON containment is not portable (SQLite lacks it), so match the
        # number as a whole list element in the list's text form: "[1,2]" on SQLite, "[1, 2]" on PostgreSQL.
        number = re.escape(str(int(filters.person_id)))
        qs = qs.annotate(_targets_text=Cast("target_ids", CharField())).filter(
            target_type="person", _targets_text__regex=rf"(\[|,| ){number}(,|\])"
        )
    return qs.order_by("-seq")
