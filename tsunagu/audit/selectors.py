"""Reading the audit log: checking the hash chain, and the entries that match a search. The pages that show
them (and the capability check) live in tsunagu.access."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .checkpoint import read_checkpoints
from .keys import UnknownAuditKeyError, audit_keys
from .models import GENESIS_HASH, HEAD_REBUILT_DETAIL, AuditEntry, AuditHead, AuditPurpose

# What verify reports, one message per kind of damage (shown on the audit log page and by the command).
GAP_MESSAGE = _("通番%(first)s〜%(last)sの記録が削除されています。")
LINK_MESSAGE = _("直前の記録とのつながり（ハッシュ）が一致しません。")
ALTERED_MESSAGE = _("記録の内容が書き換えられています（ハッシュ不一致）。")
UNKNOWN_KEY_MESSAGE = _(
    "この記録を署名した鍵（鍵ID %(key_id)s）が、このサーバーに設定されていません。"
    "鍵の設定が違うか、記録が書き換えられています。"
)
UNKEYED_AFTER_KEYED_MESSAGE = _(
    "鍵で署名されていない旧形式の記録が、署名つきの記録より後にあります（書き換えの疑い）。"
)
HEAD_REBUILT_MESSAGE = _(
    "この記録を書き込む前に、末尾の位置を記録する行が削除されていました（この記録の書き込み時に作り直しました）。"
)
TAIL_LOST_MESSAGE = _("末尾の記録が失われています（最終通番は%(expected)sのはずが%(last)sです）。")
HEAD_MISSING_MESSAGE = _("末尾の位置を記録する行が削除されています（監査ログの最終通番は%(last)sです）。")
HEAD_MISMATCH_MESSAGE = _(
    "末尾の位置を記録する行が書き換えられています（通番%(head)s、監査ログの最終通番は%(last)s）。"
)
CHECKPOINT_TAIL_LOST_MESSAGE = _(
    "データベースの外のチェックポイントには通番%(checkpoint)sまで記録されていますが、"
    "監査ログは通番%(last)sで終わっています。末尾の記録が失われています。"
)
CHECKPOINT_MISMATCH_MESSAGE = _(
    "この記録が、データベースの外のチェックポイントの控え（ハッシュ）と一致しません。"
    "記録が鍵を使って書き換えられたか、チェックポイントが書き換えられています。"
)
CHECKPOINT_MISSING_MESSAGE = _(
    "データベースの外のチェックポイントのファイルが見つかりません。ファイルが削除されたか、保存先の設定が違います。"
)
CHECKPOINT_BEHIND_MESSAGE = _(
    "通番%(first)s以降の%(count)s件の記録には、データベースの外のチェックポイントに控えがありません。"
    "チェックポイントのファイルが削除されたか、書き込めなくなっています。"
)
CHECKPOINT_EDITED_MESSAGE = _(
    "チェックポイントのファイル %(file)s の%(count)s行（最初は%(line)s行目）が書き換えられているか、読めません。"
)
CHECKPOINT_UNKNOWN_KEY_MESSAGE = _(
    "チェックポイントのファイル %(file)s の%(count)s行は、このサーバーに設定されていない鍵で署名されています。"
)

# An entry's checkpoint line is written when its transaction commits, which a long request (an import) may do
# minutes after the entry's time. Entries younger than this are not yet expected in the checkpoint.
CHECKPOINT_GRACE = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class AuditProblem:
    seq: int
    message: str


def _problem(seq: int, message: Promise, **params: object) -> AuditProblem:
    """The message in the active language, filled in."""
    text = str(message)
    return AuditProblem(seq, text % params if params else text)


def audit_verify(*, chunk_size: int = 5000, now: datetime.datetime | None = None) -> tuple[int, list[AuditProblem]]:
    """Walk the whole chain. Returns (entries checked, problems).

    Finds, for anyone without the key: an altered or re-hashed entry (its keyed hash fails), a deleted entry (a
    gap in the numbering or a broken link), a tail cut off (AuditHead or the checkpoint files name a later entry
    than the last one), AuditHead deleted or moved, and keyed entries passed off as older unkeyed ones. For
    someone who holds the key but cannot reach the checkpoint files: any rewrite up to the newest checkpoint line
    (each day's last line and the newest one must match their entries). Unkeyed entries from before the key was
    introduced verify with plain SHA-256; the first keyed entry seals them, since its hash covers theirs.

    The head and the checkpoint files are read before the walk: every entry they name was committed by then,
    so entries written while the walk runs are never mistaken for damage. `now` is the moment of the check."""
    keys = audit_keys()
    stale_before = (now or timezone.now()) - CHECKPOINT_GRACE
    head_before = AuditHead.objects.filter(pk=1).first()
    checkpoints = read_checkpoints(keys)
    checkpoint_seq = checkpoints.head.seq if checkpoints.head else 0

    problems: list[AuditProblem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    seen_keyed = False
    head_mismatch = head_before is not None and head_before.seq == 0 and head_before.hash != GENESIS_HASH
    # Keyed entries old enough to have a checkpoint line, past the newest one: the first and how many.
    unanchored_first, unanchored_count = 0, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        checked += 1
        found: list[AuditProblem] = []
        if entry.seq != expected_seq:
            found.append(_problem(entry.seq, GAP_MESSAGE, first=expected_seq, last=entry.seq - 1))
        elif entry.prev_hash != prev_hash:
            found.append(_problem(entry.seq, LINK_MESSAGE))
        if not entry.key_id and seen_keyed:
            # Once entries are keyed, an unkeyed one can only be a forgery: its plain hash anyone can compute.
            found.append(_problem(entry.seq, UNKEYED_AFTER_KEYED_MESSAGE))
        else:
            seen_keyed = seen_keyed or bool(entry.key_id)
            try:
                if entry.compute_hash(keys) != entry.hash:
                    found.append(_problem(entry.seq, ALTERED_MESSAGE))
            except UnknownAuditKeyError:
                found.append(_problem(entry.seq, UNKNOWN_KEY_MESSAGE, key_id=entry.key_id))
        anchor = checkpoints.anchors.get(entry.seq)
        if anchor is not None and anchor != entry.hash and not found:
            found.append(_problem(entry.seq, CHECKPOINT_MISMATCH_MESSAGE))
        if isinstance(entry.detail, dict) and HEAD_REBUILT_DETAIL in entry.detail:
            found.append(_problem(entry.seq, HEAD_REBUILT_MESSAGE))
        if head_before is not None and entry.seq == head_before.seq and entry.hash != head_before.hash:
            head_mismatch = True
        if entry.key_id and entry.seq > checkpoint_seq and entry.at < stale_before:
            unanchored_first = unanchored_first or entry.seq
            unanchored_count += 1
        problems.extend(found)
        expected_seq = entry.seq + 1
        prev_hash = entry.hash

    last_seq = expected_seq - 1
    head_after = AuditHead.objects.filter(pk=1).first()
    tail_reported = 0
    if head_after is None:
        if last_seq:
            problems.append(_problem(last_seq, HEAD_MISSING_MESSAGE, last=last_seq))
    elif head_before is not None and head_before.seq > last_seq:
        problems.append(_problem(head_before.seq, TAIL_LOST_MESSAGE, expected=head_before.seq, last=last_seq))
        tail_reported = head_before.seq
    elif head_mismatch or head_after.seq < last_seq or (head_after.seq == last_seq and head_after.hash != prev_hash):
        problems.append(_problem(head_after.seq, HEAD_MISMATCH_MESSAGE, head=head_after.seq, last=last_seq))

    if checkpoint_seq > max(last_seq, tail_reported):
        problems.append(
            _problem(checkpoint_seq, CHECKPOINT_TAIL_LOST_MESSAGE, checkpoint=checkpoint_seq, last=last_seq)
        )
    if unanchored_count:
        if checkpoints.files == 0:
            problems.append(_problem(unanchored_first, CHECKPOINT_MISSING_MESSAGE))
        else:
            problems.append(
                _problem(unanchored_first, CHECKPOINT_BEHIND_MESSAGE, first=unanchored_first, count=unanchored_count)
            )
    for bad in checkpoints.bad:
        if bad.unknown_key:
            problems.append(_problem(bad.first_seq, CHECKPOINT_UNKNOWN_KEY_MESSAGE, file=bad.name, count=bad.count))
        else:
            problems.append(
                _problem(bad.first_seq, CHECKPOINT_EDITED_MESSAGE, file=bad.name, count=bad.count, line=bad.first_line)
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
