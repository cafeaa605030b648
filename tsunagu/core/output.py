"""Tables written for people to open in Excel: CSV in CP932 (what Excel on Windows reads by default), CSV in
UTF-8 with a BOM (Excel reads it as UTF-8 only with the BOM), and XLSX.

No character is ever dropped silently. CP932 cannot hold some characters (𠮷, é, variation selectors) and
holds others (髙, 﨑) only through the IBM/NEC extension codes, which Shift_JIS software outside Windows and
Python's and Windows' encoders treat differently. Such characters are mapped to their standard form where one
is known (髙→高, 﨑→崎, 𠮷→吉, é→e), otherwise replaced by 〓; every change is reported with its line and
column, and the writers append a note to the file. The UTF-8 and XLSX writers keep every character.

Formula injection (OWASP "CSV injection"): one rule, ``formula_like``, decides in every format whether a text
cell could be read as a formula. It looks at the text as the spreadsheet will see it: after CP932 fitting
(which turns ﹦ into =, a lone combining mark into nothing) and after the width/compatibility folding readers
apply (Japanese Excel takes ＝ and ＋ typed or read as = and +; NFKC stands in for that). Leading spaces,
invisible format characters and combining marks are skipped; if what follows is = + - @ or − (CP932 writes −
as －), or the cell starts with a tab or carriage return, the cell is formula-like. CSV cannot type a cell,
so such a cell is written with a leading apostrophe (the text shows it, nothing runs). XLSX writes the
same cells, unchanged, as string cells carrying Excel's own "leading apostrophe" flag (quotePrefix): never
a formula when opened, and still text if someone edits the cell. The check runs last, on the text exactly
as written.

File names: every downloadable file is named by ``output_filename`` — what it is, the day, then a number when
the file has one, and _SJIS for a Shift_JIS CSV (住民一覧_20261201_SJIS.csv beside the UTF-8 住民一覧_20261201.csv),
so the two copies of a table never share a name — and sent with ``attachment_header``, whose ASCII fallback
serves the few clients that cannot read the Japanese name (RFC 6266).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import quote

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tsunagu.core.japanese import cp932_unencodable, fold_variants

__all__ = [
    "CP932_EXTENSION_RANGES",
    "NOTE_HEADING",
    "UNMAPPABLE_MARK",
    "CharacterChange",
    "CsvEncoding",
    "OutputFilename",
    "OutputReport",
    "attachment_header",
    "cp932_fit",
    "formula_like",
    "output_filename",
    "write_csv",
    "write_xlsx",
]

Cell = str | int | float | bool | datetime.date | None

# 下駄記号: the conventional printed mark for "a character that could not be shown here".
UNMAPPABLE_MARK = "〓"

# CP932 codes outside JIS X 0208: NEC-selected IBM extensions (rows 89–92) and IBM extensions (rows 115–119).
# 髙 is 0xEEE0 from Python but 0xFBFC from Windows; strict Shift_JIS readers show neither.
CP932_EXTENSION_RANGES: tuple[tuple[int, int], ...] = ((0xED40, 0xEEFC), (0xFA40, 0xFC4B))

# Characters CP932 spells with another code point (the JIS/CP932 mapping differences Python does not
# best-fit on its own) and common punctuation from UTF-8 sources.
_CP932_EQUIVALENTS: dict[str, str] = {
    "\u2014": "\u2015",  # — EM DASH → ― HORIZONTAL BAR (CP932's 0x815C)
    "\u2013": "\uff0d",  # – EN DASH → －
    "\u00b7": "\u30fb",  # · MIDDLE DOT → ・
    "\u2022": "\u30fb",  # • BULLET → ・
}

NOTE_HEADING = gettext_lazy(
    "※ {encoding}で表せない・文字化けしやすい文字を次のとおり置き換えました（〓は対応する文字がない箇所）。"
)
XLSX_NOTE_HEADING = gettext_lazy("※ Excelに書き込めない制御文字を〓に置き換えました。")
_NOTE_MAX_PLACES = 10


class CsvEncoding(StrEnum):
    CP932 = "cp932"
    UTF8_BOM = "utf-8-sig"


@dataclass(frozen=True)
class CharacterChange:
    """One character replaced in one cell. ``line`` is the line as the spreadsheet shows it (header = 1)."""

    original: str
    replacement: str
    line: int
    column: str


@dataclass
class OutputReport:
    changes: list[CharacterChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def counts(self) -> dict[str, int]:
        """{"髙→高": 2, …} in order of first appearance: small enough for an audit entry."""
        result: dict[str, int] = {}
        for change in self.changes:
            key = f"{change.original}→{change.replacement}"
            result[key] = result.get(key, 0) + 1
        return result

    def summary_lines(self, *, cp932: bool = False) -> list[str]:
        """One line per mapping: 「髙（U+9AD9）→ 高：2行目（氏）、5行目（氏）」. With ``cp932`` a character CP932
        cannot encode at all (𠮷) is named by its code point only, so the note itself can be written."""
        grouped: dict[tuple[str, str], list[CharacterChange]] = {}
        for change in self.changes:
            grouped.setdefault((change.original, change.replacement), []).append(change)
        lines = []
        for (original, replacement), changes in grouped.items():
            places = "、".join(
                _("{line}行目（{column}）").format(line=c.line, column=c.column) for c in changes[:_NOTE_MAX_PLACES]
            )
            if len(changes) > _NOTE_MAX_PLACES:
                places += _("ほか{count}か所").format(count=len(changes) - _NOTE_MAX_PLACES)
            shown = replacement or _("（削除）")
            lines.append(f"{_describe_char(original, cp932=cp932)} → {shown}：{places}")
        return lines


def _describe_char(char: str, *, cp932: bool) -> str:
    code = f"U+{ord(char):04X}"
    # Variation selectors and controls are invisible: name them by code point only.
    if unicodedata.category(char) in ("Mn", "Cc", "Cf", "Zs") or not char.isprintable():
        return code
    if cp932 and cp932_unencodable(char):
        return code
    return f"{char}（{code}）"


def _cp932_safe(text: str) -> bool:
    """True if every character encodes in CP932 inside JIS X 0208 or the NEC row 13 (①, ㈱ …)."""
    for char in text:
        try:
            encoded = char.encode("cp932")
        except UnicodeEncodeError:
            return False
        if len(encoded) == 2:
            code = int.from_bytes(encoded, "big")
            if any(low <= code <= high for low, high in CP932_EXTENSION_RANGES):
                return False
    return True


def _cp932_replacement(char: str, *, encodable: bool) -> str | None:
    """What to write instead of ``char``; None to keep it (encodable extension character with no standard form)."""
    candidates = [
        _CP932_EQUIVALENTS.get(char),
        fold_variants(char),
        # é → e, ü → u: drop the accents from a foreign resident's name rather than lose the letter.
        "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)),
    ]
    for candidate in candidates:
        if candidate is not None and candidate != char and _cp932_safe(candidate):
            # An empty candidate is a variation selector: the base character before it carries the meaning.
            if candidate or unicodedata.category(char) == "Mn":
                return candidate
    return None if encodable else UNMAPPABLE_MARK


def cp932_fit(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` made safe for CP932 output, and the (original, replacement) pairs in order of appearance."""
    if _cp932_safe(text):
        return text, []
    unencodable = set(cp932_unencodable(text))
    out: list[str] = []
    changes: list[tuple[str, str]] = []
    for char in text:
        if _cp932_safe(char):
            out.append(char)
            continue
        replacement = _cp932_replacement(char, encodable=char not in unencodable)
        if replacement is None:
            out.append(char)
        else:
            out.append(replacement)
            changes.append((char, replacement))
    return "".join(out), changes


def _as_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# What Excel, LibreOffice Calc and Google Sheets take as the start of a formula. − (U+2212) is here because
# CP932 spells it 0x817C, which every reader decodes as － (FULLWIDTH HYPHEN-MINUS), i.e. a minus.
_FORMULA_STARTS = frozenset("=+-@\u2212")
# A tab or carriage return at the very start also makes some readers evaluate what follows (OWASP).
_FORMULA_CONTROLS = frozenset("\t\r")
# Skipped before the first meaningful character: readers trim spaces and show invisible characters as nothing.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Mc", "Me"})


def formula_like(text: str, *, cp932: bool = False) -> bool:
    """True if a spreadsheet could read ``text`` as a formula. ``cp932``: ``text`` is written in CP932 (it must
    already be fitted), so judge the characters a reader decodes from those bytes."""
    if cp932:
        text = text.encode("cp932").decode("cp932")
    for char in text:
        # NFKC per character: ＝ ﹦ ⁼ ₌ → =, ＋ ﹢ ⁺ → +, － ﹣ → -, ＠ ﹫ → @, ⁻ → −, 　 → space.
        for folded in unicodedata.normalize("NFKC", char):
            if folded in _FORMULA_CONTROLS:
                return True
            if unicodedata.category(folded) in _INVISIBLE_CATEGORIES:
                continue
            return folded in _FORMULA_STARTS
    return False


def _guard_formula(text: str, *, cp932: bool = False) -> str:
    # The apostrophe is what Excel itself writes before text that would otherwise be a formula.
    return "'" + text if formula_like(text, cp932=cp932) else text


def write_csv(
    headers: Sequence[str], rows: Iterable[Sequence[Cell]], *, encoding: CsvEncoding
) -> tuple[bytes, OutputReport]:
    """CSV bytes (CRLF line ends, as Excel writes them) and the report of replaced characters. When something
    was replaced, a blank line and a note listing every replacement end the file."""
    report = OutputReport()
    cp932 = encoding == CsvEncoding.CP932
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")

    def fit(value: Cell, line: int, column: str | None = None) -> str:
        """The cell as written; ``column`` None: the cell is a header, named in the report as written."""
        text = _as_text(value)
        if not isinstance(value, str):
            return text
        changes: list[tuple[str, str]] = []
        if cp932:
            text, changes = cp932_fit(text)
        # After fitting: fitting can turn a harmless character into a trigger (﹦ → =, a lone mark → nothing).
        text = _guard_formula(text, cp932=cp932)
        report.changes.extend(CharacterChange(o, r, line, text if column is None else column) for o, r in changes)
        return text

    # Column names in the report are the header as written to the file, so the note can always be encoded.
    written_headers = [fit(str(h), 1) for h in headers]
    writer.writerow(written_headers)
    for line, row in enumerate(rows, start=2):
        writer.writerow([fit(value, line, written_headers[i]) for i, value in enumerate(row)])
    if report.changed:
        writer.writerow([])
        writer.writerow([NOTE_HEADING.format(encoding="Shift_JIS（CP932）" if cp932 else "UTF-8")])
        for note in report.summary_lines(cp932=cp932):
            # A note starts with the replaced character, which a reader could fold into a trigger.
            writer.writerow([_guard_formula(note, cp932=cp932)])
    return buffer.getvalue().encode(encoding.value), report


def write_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[Cell]], *, sheet_title: str = ""
) -> tuple[bytes, OutputReport]:
    """An .xlsx workbook with one sheet: bold header, frozen first row, dates as date cells, every string a
    string cell (never a formula); formula-like strings also carry quotePrefix, Excel's leading apostrophe.
    XLSX holds all of Unicode; only control characters are replaced (〓)."""
    report = OutputReport()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(sheet_title or "Sheet1")[:31])
    sheet.freeze_panes = "A2"
    widths = [max(8, _display_width(h) + 2) for h in headers]

    def cell(value: Cell, line: int, column: str, *, bold: bool = False) -> WriteOnlyCell:
        if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
            for char in ILLEGAL_CHARACTERS_RE.findall(value):
                report.changes.append(CharacterChange(char, UNMAPPABLE_MARK, line, column))
            value = ILLEGAL_CHARACTERS_RE.sub(UNMAPPABLE_MARK, value)
        if isinstance(value, bool):
            value = "○" if value else ""
        result = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            result.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
            # The CSV rule, in XLSX's own form: the text is kept as is and stays text when edited in Excel.
            if formula_like(value):
                result.quotePrefix = True
        elif isinstance(value, datetime.date):
            result.number_format = "yyyy/mm/dd"
        if bold:
            result.font = Font(bold=True)
        return result

    materialised = []
    for row in rows:
        materialised.append(row)
        for i, value in enumerate(row):
            widths[i] = min(60, max(widths[i], _display_width(_as_text(value)) + 2))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width

    sheet.append([cell(h, 1, h, bold=True) for h in headers])
    for line, row in enumerate(materialised, start=2):
        sheet.append([cell(value, line, headers[i]) for i, value in enumerate(row)])
    if report.changed:
        sheet.append([])
        for note in [str(XLSX_NOTE_HEADING), *report.summary_lines()]:
            sheet.append([cell(note, 0, "")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), report


def _display_width(text: str) -> int:
    # Full-width characters take two columns in Excel's width unit.
    return sum(2 if unicodedata.east_asian_width(c) in ("F", "W") else 1 for c in text)


# ---------------------------------------------------------------------------------------------------------
# File names

# The Shift_JIS copy, in which characters may have been replaced (see above), says so in its name; the UTF-8
# copy keeps every character as registered and takes the plain name. The two never share a name.
ENCODING_SUFFIXES = {CsvEncoding.CP932: "SJIS", CsvEncoding.UTF8_BOM: ""}
# Characters Windows, macOS or a mail client refuse or misread in a file name, and every kind of space.
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+')
_NOT_ASCII_NAME = re.compile(r"[^0-9A-Za-z.-]+")


class OutputFilename(str):
    """A download's name as the user sees it (a str), with ``ascii``: the fallback name for old clients."""

    ascii: str

    def __new__(cls, name: str, ascii_name: str) -> OutputFilename:
        instance = super().__new__(cls, name)
        instance.ascii = ascii_name
        return instance


def _name_part(text: str) -> str:
    return _UNSAFE_IN_NAME.sub("-", unicodedata.normalize("NFKC", text)).strip("-._")


def _ascii_part(text: str) -> str:
    return _NOT_ASCII_NAME.sub("-", unicodedata.normalize("NFKC", text)).strip("-._")


def output_filename(
    what: str,
    *,
    ascii_what: str,
    day: datetime.date,
    extension: str,
    number: str = "",
    ascii_number: str | None = None,
    encoding: CsvEncoding | None = None,
) -> OutputFilename:
    """The one naming scheme of downloadable files: 「{what}_{YYYYMMDD}[_{number}][_SJIS].{ext}」, e.g.
    住民一覧_20261201.csv (UTF-8) and 住民一覧_20261201_SJIS.csv, 避難行動要支援者名簿_20261201_R3-2026-0001.pdf.
    ``day`` is the day the file is made or the date the document bears. ``ascii_what`` (e.g. "residents") and
    ``ascii_number`` (default: the ASCII letters and digits of ``number``) make the fallback name. Characters a
    file system refuses, and spaces, become 「-」."""
    suffix = ENCODING_SUFFIXES[encoding] if encoding is not None else ""
    extension = extension.lstrip(".")
    parts = [_name_part(what), f"{day:%Y%m%d}", _name_part(number), suffix]
    ascii_number = _ascii_part(number if ascii_number is None else ascii_number)
    ascii_parts = [_ascii_part(ascii_what), f"{day:%Y%m%d}", ascii_number, suffix]
    return OutputFilename(
        "_".join(p for p in parts if p) + f".{extension}",
        "_".join(p for p in ascii_parts if p) + f".{extension}",
    )


def attachment_header(filename: OutputFilename) -> str:
    """Content-Disposition for a download: the real name (RFC 5987 encoding, which every current browser reads)
    and the ASCII name for older clients (RFC 6266; a bare token, as it holds only letters, digits, . - _)."""
    return f"attachment; filename*=utf-8''{quote(filename)}; filename={filename.ascii}"
