"""Entering reply slips in bulk (回答書の一括入力): typed lines or a CSV, every row checked first, then all
recorded or none, each problem reported with its line number."""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.core.csvio import RowError, normalize_header, read_csv_text, read_table
from tsunagu.core.wareki import INVALID_DATE_MESSAGE, parse_birth_date, today_jst
from tsunagu.organisations.models import DataScope
from tsunagu.people.models import Consent, ConsentGivenBy, ConsentStatus, Person

from ..kinds import _KIND_ALIASES, BULK_METHOD
from .decisions import UNKNOWN_KIND_MESSAGE, consent_problems, consent_record, require_consent_manager

# Bulk reply entry (回答書の一括入力).
BULK_EMPTY_MESSAGE = _("入力がありません。1行に1件ずつ入力するか、CSVファイルを指定してください。")
BULK_COLUMNS_MESSAGE = _("項目の数が違います（宛名番号,回答,記入者,提供先の種別,回答日 の5項目です）。")
BULK_NUMBER_REQUIRED_MESSAGE = _("宛名番号が空です。")
BULK_UNKNOWN_PERSON_MESSAGE = _("宛名番号「{number}」の方が見つかりません。")
BULK_DUPLICATE_MESSAGE = _("宛名番号「{number}」は{line}行目にもあります。")
BULK_ANSWER_MESSAGE = _("回答「{value}」は使えません（同意・不同意のどちらか）。")
BULK_GIVEN_BY_MESSAGE = _("記入者「{value}」は使えません（本人・家族・成年後見人のどれか。空なら本人）。")
BULK_DATE_REQUIRED_MESSAGE = _("回答日が空です。")
BULK_DATE_MESSAGE = _("回答日「{value}」を読み取れません（例：2026-11-01、令和8年11月1日、R8.11.1）。")
BULK_FAILED_MESSAGE = _("{count}件の誤りがあります。誤りを直してもう一度登録してください（まだ何も登録していません）。")


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
BULK_COLUMNS = ("宛名番号", "回答", "記入者", "提供先の種別", "回答日")
_BULK_HEADER = {normalize_header(name): name for name in BULK_COLUMNS}
_BULK_HEADER[normalize_header("提供先")] = "提供先の種別"
_BULK_HEADER[normalize_header("整理番号")] = "宛名番号"


@dataclass(frozen=True)
class ReplyRow:
    line: int
    person: Person
    status: str
    given_by: str
    kinds: tuple[str, ...]
    decided_on: datetime.date


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
    """An uploaded CSV (UTF-8 or CP932) with the header 宛名番号,回答,記入者,提供先の種別,回答日."""
    decoded = read_csv_text(data)
    table = read_table(decoded.text, known=_BULK_HEADER, required=("宛名番号", "回答", "回答日"))
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
    persons = {
        p.resident_number: p
        for p in policy.visible_persons(user).filter(resident_number__in=numbers).select_related("town")
    }
    currents = Consent.objects.current_by_person([p.pk for p in persons.values()], DataScope.ROSTER)
    seen: dict[str, int] = {}
    for line, values in rows:
        if len(values) == 4:
            values = [*values[:3], "", values[3]]  # 提供先 left out: 宛名番号,回答,記入者,回答日
        if len(values) != 5:
            batch.errors.append(RowError(line, "", str(BULK_COLUMNS_MESSAGE)))
            continue
        number, answer, given_by_text, kinds_text, date_text = (_clean(v) for v in values)
        row_problems: list[str] = []
        person = None
        if not number:
            row_problems.append(str(BULK_NUMBER_REQUIRED_MESSAGE))
        elif number in seen:
            row_problems.append(str(BULK_DUPLICATE_MESSAGE).format(number=number, line=seen[number]))
        else:
            seen[number] = line
            person = persons.get(number)
            if person is None:
                row_problems.append(str(BULK_UNKNOWN_PERSON_MESSAGE).format(number=number))
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
            batch.rows.append(ReplyRow(line, person, status, given_by, tuple(kinds), decided_on))
    batch.errors.sort(key=lambda e: e.line)
    return batch


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
            )
            for row in batch.rows
        ]
