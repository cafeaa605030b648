"""Reading the CSV files wards hand us: decoding (CP932 from Excel, UTF-8 with or without BOM), header
matching, and rows numbered by their line in the file so every error can point at it.

Importers build on this module; the rules of each file (columns, values) live with the importer."""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.utils.translation import gettext_lazy as _

__all__ = [
    "COLUMN_COUNT_MESSAGE",
    "DUPLICATE_HEADER_MESSAGE",
    "EMPTY_FILE_MESSAGE",
    "IMPORT_FAILED_MESSAGE",
    "MISSING_HEADER_MESSAGE",
    "UNDECODABLE_MESSAGE",
    "UNKNOWN_HEADER_MESSAGE",
    "UNSAFE_CHARACTER_MESSAGE",
    "UNSAFE_MORE_MESSAGE",
    "CSVRow",
    "CSVSource",
    "CSVStream",
    "CSVTable",
    "DecodedCSV",
    "ImportFailed",
    "RowError",
    "UndecodableFileError",
    "UnsafeCharacterError",
    "normalize_header",
    "open_csv",
    "read_csv_text",
    "read_table",
    "stream_table",
    "unsafe_character_errors",
]

# Shared by every CSV import: who the audit log names without --user, and the common per-cell messages.
SYSTEM_USERNAME = "system (CLI)"
REQUIRED_VALUE_MESSAGE = _("{column}が空です")
TOO_LONG_MESSAGE = _("{column}は{limit}文字以内にしてください（{length}文字あります）")

UNDECODABLE_MESSAGE = _(
    "ファイルの文字コードを判別できません。UTF-8（BOM付き・なし）またはShift_JIS（CP932）で保存したCSVファイルを"
    "指定してください。"
)
EMPTY_FILE_MESSAGE = _("ファイルが空です（1行目に見出しが必要です）")
MISSING_HEADER_MESSAGE = _("必須の列「{column}」が見出しにありません")
UNKNOWN_HEADER_MESSAGE = _("見出し「{column}」は使えない列名です（使える列名は説明書を参照してください）")
DUPLICATE_HEADER_MESSAGE = _("見出し「{column}」が2回以上あります")
IMPORT_FAILED_MESSAGE = _("{count}件のエラーがあります")
COLUMN_COUNT_MESSAGE = _("列の数（{count}）が見出しの列の数（{expected}）と合いません")
UNSAFE_CHARACTER_MESSAGE = _(
    "{line}行目の「{column}」に、取り込めない制御文字（{codepoint}）があります。文字の向きを変えたり表示を乱したり"
    "する文字のため、元のファイルから削除してください"
)
UNSAFE_MORE_MESSAGE = _("ほかに{count}か所あります")
# The column named in UNSAFE_CHARACTER_MESSAGE when the header gives no name (the header line itself, or a cell
# beyond the last heading).
UNNAMED_COLUMN_LABEL = _("{number}列目")

# Encodings as reported to the user and stored on the import batch.
UTF8_BOM = "utf-8-sig"
UTF8 = "utf-8"
CP932 = "cp932"

_HEADER_NOISE = re.compile(r"[\s()]")
# Python's cp932 codec turns the single bytes 0x80, 0xA0 and 0xFD–0xFF into U+0080 and private-use
# characters instead of failing; real CP932 text never holds them, nor does any CSV hold NUL (UTF-16 does).
_NOT_TEXT = re.compile("[\x00\x80\uf8f0-\uf8f3]")
# Characters no import accepts, anywhere. The bidirectional controls (U+061C, U+200E/U+200F, U+202A–U+202E,
# U+2066–U+2069) can make a name or an address read differently from what is stored (「Trojan Source」); C0 and C1
# controls and DEL break screens, CSV and PDF outputs and terminals. Tab, and CR/LF (the CSV's own line breaks,
# and a line break inside a quoted cell, as Excel writes Alt+Enter), are ordinary text.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# How many places UnsafeCharacterError's message lists; the rest are counted.
_UNSAFE_SHOWN = 10


class UndecodableFileError(ValueError):
    """The bytes cannot be imported as text: neither UTF-8 nor CP932 (or, in the subclass, unsafe characters)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or str(UNDECODABLE_MESSAGE))


class UnsafeCharacterError(UndecodableFileError):
    """The text holds control or direction-override characters (see _UNSAFE). A kind of UndecodableFileError, so
    every import that refuses an unreadable file refuses this one the same way, before any row is read and with
    nothing written. The message names each place (line, column, code point); `errors` has them as RowErrors."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        shown = [error.message for error in errors[:_UNSAFE_SHOWN]]
        if len(errors) > _UNSAFE_SHOWN:
            shown.append(str(UNSAFE_MORE_MESSAGE).format(count=len(errors) - _UNSAFE_SHOWN))
        super().__init__("／".join(shown))


@dataclass(frozen=True)
class DecodedCSV:
    text: str
    encoding: str  # "utf-8-sig", "utf-8" or "cp932"
    sha256: str  # of the bytes as received, so an import can be traced to its exact file
    size: int


def _read_bytes(source: str | Path | bytes | IO[bytes]) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    data = source.read()  # an uploaded or opened binary file
    if isinstance(data, str):
        raise TypeError("CSV sources must be bytes, a path or a binary file")
    return data


def read_csv_text(source: str | Path | bytes | IO[bytes]) -> DecodedCSV:
    """Decode a CSV file: UTF-8 with BOM, UTF-8, then CP932, each tried strictly; raise UndecodableFileError.

    Strict decoding is enough to tell them apart: CP932 text with kana or kanji is almost never valid UTF-8,
    and a file that fails both is reported rather than decoded with replacement characters."""
    data = _read_bytes(source)
    digest = hashlib.sha256(data).hexdigest()
    for encoding in (UTF8_BOM, CP932):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _NOT_TEXT.search(text):
            continue
        if encoding == UTF8_BOM and not data.startswith(b"\xef\xbb\xbf"):
            encoding = UTF8
        if unsafe := unsafe_character_errors(text):
            raise UnsafeCharacterError(unsafe)
        return DecodedCSV(text=text, encoding=encoding, sha256=digest, size=len(data))
    raise UndecodableFileError


@dataclass(frozen=True)
class RowError:
    """One problem in a file: the line (the header is line 1; 0 for the file as a whole), the column (or ""
    for the whole row) and the reason, in Japanese."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}行目：{self.message}" if self.line else self.message


class ImportFailed(Exception):  # noqa: N818 - the name the importers and their callers speak of
    """The file has errors; nothing was written. `errors` lists every one, in line order."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors = sorted(errors, key=lambda e: e.line)
        super().__init__(str(IMPORT_FAILED_MESSAGE).format(count=len(self.errors)))


def normalize_header(text: str) -> str:
    """Header cells compared loosely: NFKC (全角→半角), no spaces, no brackets, so 「氏（フリガナ）」,
    「氏 フリガナ」 and 「氏フリガナ」 name the same column."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True, slots=True)
class CSVRow:
    line: int  # the line the record starts on
    values: list[str]


@dataclass
class CSVTable:
    header: list[str]  # as written in the file
    columns: dict[str, int]  # canonical column name → index
    rows: list[CSVRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _records(text: str | Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline="") if isinstance(text, str) else text)
    previous_end = 0
    for record in reader:
        # line_num is the last physical line read; a quoted field may span several, so the record starts
        # one after where the previous one ended.
        start = previous_end + 1
        previous_end = reader.line_num
        yield start, record


def _unsafe_error(line: int, column: str, character: str) -> RowError:
    message = str(UNSAFE_CHARACTER_MESSAGE).format(line=line, column=column, codepoint=f"U+{ord(character):04X}")
    return RowError(line, column, message)


def unsafe_character_errors(text: str) -> list[RowError]:
    """One error for each cell holding a character of _UNSAFE: its line (where its record starts, as for every
    other error), its column (the heading; 「N列目」 on the header line) and the first such character. Checked on
    the decoded text by read_csv_text, so every import gets it, whichever way it reads the rows afterwards."""
    if not _UNSAFE.search(text):
        return []
    errors: list[RowError] = []
    header: list[str] | None = None
    try:
        for line, record in _records(text):
            if header is None:
                header = [_UNSAFE.sub("", cell).strip() for cell in record]
            for index, cell in enumerate(record):
                if found := _UNSAFE.search(cell):
                    named = line != 1 and index < len(header) and header[index]
                    column = header[index] if named else str(UNNAMED_COLUMN_LABEL).format(number=index + 1)
                    errors.append(_unsafe_error(line, column, found.group()))
    except csv.Error:
        errors = []  # a record the csv module cannot split: fall back to lines below
    if not errors:
        found = _UNSAFE.search(text)
        assert found is not None
        line = text.count("\n", 0, found.start()) + 1
        errors.append(_unsafe_error(line, "", found.group()))
    return errors


@dataclass
class CSVStream:
    """A table read as it goes: the header at once, then `rows` yields each CSVRow, or a RowError for a row
    whose field count differs from the header, in file order. Memory does not grow with the file."""

    header: list[str]
    columns: dict[str, int]
    errors: list[RowError]  # the header's
    rows: Iterator[CSVRow | RowError]


def stream_table(
    text: str | Iterable[str],
    *,
    known: Mapping[str, str],
    required: Iterable[str] = (),
    allow_unknown: bool = False,
) -> CSVStream:
    """read_table, one row at a time: `text` may be an open text file (newline="")."""
    records = _records(text)
    first = next(records, None)
    if first is None or not any(cell.strip() for cell in first[1]):
        return CSVStream(header=[], columns={}, errors=[RowError(1, "", str(EMPTY_FILE_MESSAGE))], rows=iter(()))
    header_line, header = first
    # Excel leaves empty cells after the last column when a sheet once had more: ignore them.
    while header and not header[-1].strip():
        header.pop()
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(header):
        name = known.get(normalize_header(cell))
        if name is None:
            if allow_unknown:
                continue
            errors.append(RowError(header_line, cell, str(UNKNOWN_HEADER_MESSAGE).format(column=cell.strip())))
        elif name in columns:
            errors.append(RowError(header_line, cell, str(DUPLICATE_HEADER_MESSAGE).format(column=cell.strip())))
        else:
            columns[name] = index
    for name in required:
        if name not in columns:
            errors.append(RowError(header_line, name, str(MISSING_HEADER_MESSAGE).format(column=name)))
    if errors:
        return CSVStream(header=header, columns=columns, errors=errors, rows=iter(()))
    return CSVStream(header=header, columns=columns, errors=errors, rows=_rows(records, len(header)))


def _rows(records: Iterator[tuple[int, list[str]]], width: int) -> Iterator[CSVRow | RowError]:
    for line, values in records:
        if not (values and values[0].strip()) and not any(value.strip() for value in values):
            continue
        if len(values) != width:
            # Trailing empty cells beyond the header are harmless (Excel pads ragged rows).
            if len(values) > width and not any(v.strip() for v in values[width:]):
                values = values[:width]
            else:
                yield RowError(line, "", str(COLUMN_COUNT_MESSAGE).format(count=len(values), expected=width))
                continue
        yield CSVRow(line, values)


def read_table(
    text: str,
    *,
    known: Mapping[str, str],
    required: Iterable[str] = (),
    allow_unknown: bool = False,
) -> CSVTable:
    """Split decoded CSV text into a header and numbered rows.

    `known` maps each accepted header spelling (after normalize_header) to a canonical column name.
    Unknown, duplicated and missing required columns are errors on line 1; rows whose field count differs
    from the header are errors on their own line; blank lines (and lines of commas only) are skipped.
    When the header has errors, no rows are returned: their meaning would be guesswork."""
    stream = stream_table(text, known=known, required=required, allow_unknown=allow_unknown)
    table = CSVTable(header=stream.header, columns=stream.columns, errors=list(stream.errors))
    for row in stream.rows:
        if isinstance(row, RowError):
            table.errors.append(row)
        else:
            table.rows.append(row)
    return table


# ── files too large to hold: read twice, once to check and once to import ──

_SCAN_CHUNK = 1 << 20


@dataclass(frozen=True)
class CSVSource:
    """A CSV file checked without holding it: its encoding, the hash of its bytes, its size and its number of
    line breaks (an upper bound on its rows, for progress). `text()` opens it again as text."""

    opener: Callable[[], IO[bytes]]
    encoding: str
    sha256: str
    size: int
    newlines: int

    @contextlib.contextmanager
    def text(self) -> Iterator[IO[str]]:
        raw = self.opener()
        codec = UTF8_BOM if self.encoding in (UTF8_BOM, UTF8) else self.encoding
        wrapper = io.TextIOWrapper(raw, encoding=codec, errors="strict", newline="")
        try:
            yield wrapper
        finally:
            wrapper.detach()  # the caller's file stays open; ours are closed by their opener's owner


def _opener(source: str | Path | bytes | IO[bytes]) -> Callable[[], IO[bytes]]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return lambda: io.BytesIO(data)
    if isinstance(source, str | Path):
        path = Path(source)
        path.stat()  # FileNotFoundError now, as read_csv_text raised it
        files: list[IO[bytes]] = []

        def open_path() -> IO[bytes]:
            for opened in files:
                opened.close()
            files.clear()
            files.append(path.open("rb"))
            return files[0]

        return open_path
    if not isinstance(source, io.IOBase):
        source = getattr(source, "file", source)  # an uploaded file (django.core.files.File): the file it wraps
    seekable = getattr(source, "seekable", None)
    if isinstance(source, io.IOBase) and seekable is not None and seekable():
        start = source.tell()

        def rewind() -> IO[bytes]:
            source.seek(start)
            return source

        return rewind
    data = _read_bytes(source)
    return lambda: io.BytesIO(data)


def open_csv(source: str | Path | bytes | IO[bytes]) -> CSVSource:
    """read_csv_text without holding the text: the same strict choice of encoding and the same refusals
    (UndecodableFileError, UnsafeCharacterError with every place), checked chunk by chunk."""
    opener = _opener(source)
    for encoding in (UTF8_BOM, CP932):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        digest = hashlib.sha256()
        size = newlines = 0
        starts_with_bom = False
        unsafe = False
        raw = opener()
        try:
            while chunk := raw.read(_SCAN_CHUNK):
                if size == 0:
                    starts_with_bom = chunk.startswith(b"\xef\xbb\xbf")
                digest.update(chunk)
                size += len(chunk)
                newlines += chunk.count(b"\n")
                text = decoder.decode(chunk)
                if _NOT_TEXT.search(text):
                    raise UnicodeDecodeError(encoding, b"", 0, 1, "not text")
                unsafe = unsafe or _UNSAFE.search(text) is not None
            text = decoder.decode(b"", final=True)
            if _NOT_TEXT.search(text):
                raise UnicodeDecodeError(encoding, b"", 0, 1, "not text")
        except UnicodeDecodeError:
            continue
        finally:
            if isinstance(source, str | Path):
                raw.close()
        if unsafe:
            read_csv_text(opener().read())  # raises UnsafeCharacterError naming every place
        if encoding == UTF8_BOM and not starts_with_bom:
            encoding = UTF8
        return CSVSource(opener=opener, encoding=encoding, sha256=digest.hexdigest(), size=size, newlines=newlines)
    raise UndecodableFileError
