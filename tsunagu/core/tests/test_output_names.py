"""One naming scheme for every downloadable file: what_date[_number][_SJIS].ext, a Shift_JIS and a UTF-8 copy
never sharing a name, and a Content-Disposition with an ASCII fallback."""

import datetime
from urllib.parse import unquote

from tsunagu.core.output import CsvEncoding, attachment_header, output_filename

DAY = datetime.date(2026, 12, 1)


def residents(**kwargs):
    return output_filename("住民一覧", ascii_what="residents", day=DAY, **kwargs)


def test_what_date_and_extension():
    name = residents(extension="xlsx")

    assert (name, name.ascii) == ("住民一覧_20261201.xlsx", "residents_20261201.xlsx")


def test_the_two_csv_encodings_never_share_a_name():
    sjis = residents(extension="csv", encoding=CsvEncoding.CP932)
    utf8 = residents(extension="csv", encoding=CsvEncoding.UTF8_BOM)

    assert (sjis, utf8) == ("住民一覧_20261201_SJIS.csv", "住民一覧_20261201.csv")
    assert (sjis.ascii, utf8.ascii) == ("residents_20261201_SJIS.csv", "residents_20261201.csv")
    assert sjis != utf8 and sjis.ascii != utf8.ascii


def test_a_number_follows_the_date_and_unsafe_characters_become_hyphens():
    name = output_filename(
        "避難行動要支援者名簿",
        ascii_what="roster",
        day=DAY,
        extension=".pdf",
        number="区控 第3版 泉尾/東:小学校区",
        ascii_number="build3-S04",
    )

    assert name == "避難行動要支援者名簿_20261201_区控-第3版-泉尾-東-小学校区.pdf"
    assert name.ascii == "roster_20261201_build3-S04.pdf"


def test_the_ascii_fallback_keeps_the_ascii_part_of_a_number():
    roster = output_filename("名簿", ascii_what="roster", day=DAY, extension="csv", number="R3-2026-0001")
    letters = output_filename("同意確認書", ascii_what="consent-letters", day=DAY, extension="pdf", number="泉尾")

    assert roster.ascii == "roster_20261201_R3-2026-0001.csv"
    assert (letters, letters.ascii) == ("同意確認書_20261201_泉尾.pdf", "consent-letters_20261201.pdf")


def test_attachment_header_carries_both_names():
    name = residents(extension="csv", encoding=CsvEncoding.CP932)

    header = attachment_header(name)

    assert header.startswith("attachment; filename*=utf-8''")
    assert header.endswith("; filename=residents_20261201_SJIS.csv")
    encoded = header.removeprefix("attachment; filename*=utf-8''").split(";")[0]
    assert unquote(encoded) == "住民一覧_20261201_SJIS.csv"
    assert header.isascii()
