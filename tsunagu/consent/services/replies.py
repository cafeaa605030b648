"""Entering reply slips in bulk (回答書の一括入力): typed lines or a CSV, every row checked first, then all
recorded or none, each problem reported with its line number.

A row names the person by the letter's number (整理番号, R8-000123, printed on the reply slip) or, for the ward's
own staff, by the 宛名番号. A reply by letter number is linked to the letter it answers; one by 宛名番号 to the
person's latest letter sent on or before the reply date (an older slip, printed before letters had numbers,
carries the 宛名番号 as its 整理番号).

Two steps: the checked rows are shown for confirmation with a signed token holding exactly those rows
(consent_replies_token); the confirmation records what the token holds, checked once more, all or none."""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.csvio import RowError, normalize_header, read_csv_text, read_table
from tsunagu.core.wareki import INVALID_DATE_MESSAGE, parse_birth_date, today_jst
from tsunagu.organisations.models import DataScope
from tsunagu.people.models import Consent, ConsentGivenBy, ConsentRequest, ConsentStatus, Person

from ..kinds import _KIND_ALIASES, BULK_METHOD, recipient_kinds_text
from .decisions import UNKNOWN_KIND_MESSAGE, consent_problems, consent_record, require_consent_manager

# Bulk reply entry (回答書の一括入力).
BULK_EMPTY_MESSAGE = _("入力がありません。1行に1件ずつ入力するか、CSVファイルを指定してください。")
BULK_COLUMNS_MESSAGE = _("項目の数が違います（整理番号,回答,記入者,提供先の種別,回答日 の5項目です）。")
BULK_NUMBER_REQUIRED_MESSAGE = _("整理番号が空です。")
BULK_UNKNOWN_PERSON_MESSAGE = _("整理番号「{number}」の同意確認書も、その宛名番号の方も見つかりません。")
BULK_DUPLICATE_MESSAGE = _("「{number}」の方の回答は{line}行目にもあります。")
BULK_AMBIGUOUS_NUMBER_MESSAGE = _(
    "「{number}」は、ある方の同意確認書の整理番号で、別の方の宛名番号でもあります。回答書の方を確かめてください。"
)
BULK_BEFORE_LETTER_MESSAGE = _("回答日が、同意確認書{letter}の発送日（{sent_on}）より前です。")
BULK_ANSWER_MESSAGE = _("回答「{value}」は使えません（同意・不同意のどちらか）。")
BULK_GIVEN_BY_MESSAGE = _("記入者「{value}」は使えません（本人・家族・成年後見人のどれか。空なら本人）。")
BULK_DATE_REQUIRED_MESSAGE = _("回答日が空です。")
BULK_DATE_MESSAGE = _("回答日「{value}」を読み取れません（例：2026-11-01、令和8年11月1日、R8.11.1）。")
BULK_FAILED_MESSAGE = _("{count}件の誤りがあります。誤りを直してもう一度登録してください（まだ何も登録していません）。")
CONFIRMATION_INVALID_MESSAGE = _(
    "確認した内容を読み取れないか、確認から時間がたちすぎています。もう一度入力して確かめてください"
    "（まだ何も登録していません）。"
)
# How long a confirmation stays valid: long enough to compare a batch of slips with the table.
CONFIRMATION_MAX_AGE = 60 * 60
_CONFIRMATION_SALT = "tsunagu.consent.replies.confirm"


_ANSWERS = {
    "同意": ConsentStatus.AGREED,
    "同意する": ConsentStatus.AGREED,
    "不同意": ConsentStatus.REFUSED,
    "同意しない": ConsentStatus.REFUSED,
    ConsentStatus.AGREED.value: ConsentStatus.AGREED,
    ConsentStatus.REFUSED.value: ConsentStatus.REFUSED,
}
_GIVEN_BY = {
    "": ConsentGivenBy.SELF,
    "本人": ConsentGivenBy.SELF,
    "家族": ConsentGivenBy.FAMILY,
    "成年後見人": ConsentGivenBy.GUARDIAN,
    **{value: value for value in ConsentGivenBy.values},
    "後見人": ConsentGivenBy.GUARDIAN,
}
_KIND_SEPARATORS = str.maketrans({c: "、" for c in ",;；/／|｜ 　"})
BULK_COLUMNS = ("整理番号", "回答", "記入者", "提供先の種別", "回答日")
_BULK_HEADER = {normalize_header(name): name for name in BULK_COLUMNS}
_BULK_HEADER[normalize_header("提供先")] = "提供先の種別"
_BULK_HEADER[normalize_header("宛名番号")] = "整理番号"
# A letter's number as typed: r8-123, Ｒ８－０００１２３ and R8-000123 are the same letter.
_LETTER_NUMBER_RE = re.compile(r"([A-Z])(\d{1,2})-(\d{1,6})")


@dataclass(frozen=True)
class ReplyRow:
    line: int
    person: Person
    status: str
    given_by: str
    kinds: tuple[str, ...]
    decided_on: datetime.date
    number: str = ""  # as typed: the letter's number or the 宛名番号
    consent_request: ConsentRequest | None = None  # the letter the reply answers

    @property
    def status_label(self) -> str:
        return str(ConsentStatus(self.status).label)

    @property
    def given_by_label(self) -> str:
        return str(ConsentGivenBy(self.given_by).label)

    @property
    def kinds_text(self) -> str:
        return recipient_kinds_text(self.kinds)


@dataclass
class ReplyBatch:
    rows: list[ReplyRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _parse_kinds(text: str) -> tuple[list[str], list[str]]:
    kinds: list[str] = []
    unknown: list[str] = []
    # 「自治会・町内会」 holds a 中黒, so 「・」 separates kinds only where it does not join those two words.
    cleaned = _clean(text).replace("自治会・町内会", "自治会").replace("・", "、").translate(_KIND_SEPARATORS)
    for part in (p.strip() for p in cleaned.split("、")):
        if not part:
            continue
        kind = _KIND_ALIASES.get(part)
        if kind is None:
            unknown.append(part)
        elif kind.value not in kinds:
            kinds.append(kind.value)
    return kinds, unknown


def _parse_reply_date(text: str, today: datetime.date) -> datetime.date:
    try:
        # The birth-date reader knows 和暦 and 西暦; the future check is ours (with a reply-date message).
        return parse_birth_date(text, today=datetime.date.max)
    except ValueError as error:
        if str(error) == INVALID_DATE_MESSAGE:
            raise ValueError(str(BULK_DATE_MESSAGE).format(value=text)) from None
        raise


def parse_reply_lines(text: str) -> list[tuple[int, list[str]]]:
    """Typed lines: one reply per line, comma-separated, no header; numbered from 1, blank lines skipped."""
    rows = []
    for line_number, values in enumerate(csv.reader(io.StringIO(text.replace("\r\n", "\n"))), start=1):
        if any(v.strip() for v in values):
            rows.append((line_number, values))
    return rows


def parse_reply_csv(data: bytes) -> tuple[list[tuple[int, list[str]]], list[RowError]]:
    """An uploaded CSV (UTF-8 or CP932) with the header 整理番号,回答,記入者,提供先の種別,回答日 (宛名番号 may head
    the first column instead)."""
    decoded = read_csv_text(data)
    table = read_table(decoded.text, known=_BULK_HEADER, required=("整理番号", "回答", "回答日"))
    order = [table.columns.get(name) for name in BULK_COLUMNS]
    rows = [(row.line, [row.values[i] if i is not None else "" for i in order]) for row in table.rows]
    return rows, list(table.errors)


def consent_replies_check(
    *,
    user,  # noqa: ANN001
    rows: list[tuple[int, list[str]]],
    errors: Iterable[RowError] = (),
) -> ReplyBatch:
    """Validate every row before anything is written; each problem is reported with its line number."""
    require_consent_manager(user)
    batch = ReplyBatch(errors=list(errors))
    today = today_jst()
    numbers = {_clean(values[0]) for _, values in rows if values}
    visible = policy.visible_persons(user)
    persons = {p.resident_number: p for p in visible.filter(resident_number__in=numbers).select_related("town")}
    letter_keys = {n: key for n in numbers if (key := _letter_key(n))}
    letters = {
        r.letter_number: r
        for r in policy.rows_of_visible_persons(
            ConsentRequest.objects.filter(letter_number__in=set(letter_keys.values())), user
        ).select_related("person__town")
    }
    person_ids = {p.pk for p in persons.values()} | {r.person_id for r in letters.values()}
    currents = Consent.objects.current_by_person(person_ids, DataScope.ROSTER)
    # Every letter sent to the persons named by 宛名番号, oldest first: the reply answers the latest one.
    sent: dict[int, list[ConsentRequest]] = {}
    for letter in ConsentRequest.objects.filter(
        person_id__in=[p.pk for p in persons.values()], scope=DataScope.ROSTER
    ).order_by("sent_on", "id"):
        sent.setdefault(letter.person_id, []).append(letter)
    seen: dict[int, int] = {}  # person id → the line that named them first
    for line, values in rows:
        if len(values) == 4:
            values = [*values[:3], "", values[3]]  # 提供先 left out: 宛名番号,回答,記入者,回答日
        if len(values) != 5:
            batch.errors.append(RowError(line, "", str(BULK_COLUMNS_MESSAGE)))
            continue
        number, answer, given_by_text, kinds_text, date_text = (_clean(v) for v in values)
        row_problems: list[str] = []
        person = None
        letter = letters.get(letter_keys.get(number, ""))
        if not number:
            row_problems.append(str(BULK_NUMBER_REQUIRED_MESSAGE))
        elif letter is not None and number in persons and persons[number].pk != letter.person_id:
            row_problems.append(str(BULK_AMBIGUOUS_NUMBER_MESSAGE).format(number=number))
        else:
            person = letter.person if letter is not None else persons.get(number)
            if person is None:
                row_problems.append(str(BULK_UNKNOWN_PERSON_MESSAGE).format(number=number))
            elif person.pk in seen:
                row_problems.append(str(BULK_DUPLICATE_MESSAGE).format(number=number, line=seen[person.pk]))
                person = None
            else:
                seen[person.pk] = line
        status = _ANSWERS.get(answer)
        if status is None:
            row_problems.append(str(BULK_ANSWER_MESSAGE).format(value=answer))
        given_by = _GIVEN_BY.get(given_by_text)
        if given_by is None:
            row_problems.append(str(BULK_GIVEN_BY_MESSAGE).format(value=given_by_text))
        kinds, unknown = _parse_kinds(kinds_text)
        row_problems.extend(str(UNKNOWN_KIND_MESSAGE).format(kind=k) for k in unknown)
        decided_on = None
        if not date_text:
            row_problems.append(str(BULK_DATE_REQUIRED_MESSAGE))
        else:
            try:
                decided_on = _parse_reply_date(date_text, today)
            except ValueError as error:
                row_problems.append(str(error))
        if letter is not None and decided_on is not None and decided_on < letter.sent_on:
            row_problems.append(
                str(BULK_BEFORE_LETTER_MESSAGE).format(letter=letter.letter_number, sent_on=letter.sent_on)
            )
        if person is not None and status is not None and given_by is not None and decided_on is not None:
            row_problems.extend(
                consent_problems(
                    person=person,
                    status=status,
                    decided_on=decided_on,
                    given_by=given_by,
                    method=BULK_METHOD,
                    recipient_kinds=kinds,
                    current=currents.get(person.pk),
                    today=today,
                )
            )
        if row_problems:
            batch.errors.extend(RowError(line, "", message) for message in row_problems)
        else:
            if letter is None:
                earlier = [r for r in sent.get(person.pk, []) if r.sent_on <= decided_on]
                letter = earlier[-1] if earlier else None
            batch.rows.append(
                ReplyRow(
                    line, person, status, given_by, tuple(kinds), decided_on, number=number, consent_request=letter
                )
            )
    batch.errors.sort(key=lambda e: e.line)
    return batch


def _letter_key(text: str) -> str:
    """The letter number ``text`` spells (「r8-123」 → 「R8-000123」), or "" when it is not one."""
    match = _LETTER_NUMBER_RE.fullmatch(text.upper())
    return f"{match[1]}{int(match[2])}-{int(match[3]):06d}" if match else ""


def consent_replies_preview(
    *,
    user,  # noqa: ANN001
    rows: list[tuple[int, list[str]]],
    errors: Iterable[RowError] = (),
    request: HttpRequest | None = None,
) -> ReplyBatch:
    """The first step: check every row and record nothing. When every row is good, the persons the table will
    show are logged as viewed (the page names them)."""
    batch = consent_replies_check(user=user, rows=rows, errors=errors)
    if not batch.errors and batch.rows:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            target_type=AuditTarget.PERSON,
            target_ids=[row.person.pk for row in batch.rows],
            detail={"consent": "replies_check", "count": len(batch.rows)},
            request=request,
        )
    return batch


class ConfirmationInvalid(Exception):  # noqa: N818 - read as "the confirmation is invalid"
    def __init__(self) -> None:
        super().__init__(str(CONFIRMATION_INVALID_MESSAGE))


def consent_replies_token(*, user, rows: list[tuple[int, list[str]]]) -> str:  # noqa: ANN001
    """A signed token holding exactly the rows that were checked (and whose check they were), for the
    confirmation form: what is confirmed is what was checked, and nothing typed after the check."""
    payload = {"user": user.pk, "rows": [[line, [str(v) for v in values]] for line, values in rows]}
    return signing.dumps(payload, salt=_CONFIRMATION_SALT, compress=True)


def consent_replies_from_token(*, user, token: str) -> list[tuple[int, list[str]]]:  # noqa: ANN001
    """The rows a confirmation token holds. ConfirmationInvalid when the token was altered, is another user's
    or is older than CONFIRMATION_MAX_AGE."""
    try:
        payload = signing.loads(token, salt=_CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
        if payload["user"] != user.pk:
            raise ConfirmationInvalid
        return [(int(line), [str(v) for v in values]) for line, values in payload["rows"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ConfirmationInvalid from None


class RepliesFailed(Exception):  # noqa: N818 - read as "the replies failed"
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(str(BULK_FAILED_MESSAGE).format(count=len(errors)))


def consent_replies_record(
    *,
    user,  # noqa: ANN001
    rows: list[tuple[int, list[str]]],
    errors: Iterable[RowError] = (),
    request: HttpRequest | None = None,
) -> list[Consent]:
    """Enter a batch of reply slips: all rows or none. RepliesFailed lists every bad row."""
    batch = consent_replies_check(user=user, rows=rows, errors=errors)
    if batch.errors:
        raise RepliesFailed(batch.errors)
    if not batch.rows:
        raise RepliesFailed([RowError(0, "", str(BULK_EMPTY_MESSAGE))])
    with transaction.atomic():
        return [
            consent_record(
                person=row.person,
                status=row.status,
                decided_on=row.decided_on,
                given_by=row.given_by,
                method=BULK_METHOD,
                recipient_kinds=row.kinds,
                recorded_by=user,
                request=request,
                consent_request=row.consent_request,
            )
            for row in batch.rows
        ]
