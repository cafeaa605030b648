import hashlib

import pytest

from tsunagu.core.csvio import (
    COLUMN_COUNT_MESSAGE,
    DUPLICATE_HEADER_MESSAGE,
    EMPTY_FILE_MESSAGE,
    MISSING_HEADER_MESSAGE,
    UNDECODABLE_MESSAGE,
    UNKNOWN_HEADER_MESSAGE,
    ImportFailed,
    RowError,
    UndecodableFileError,
    normalize_header,
    read_csv_text,
    read_table,
)

TEXT = "氏,名\r\n髙橋,﨑子\r\n"
KNOWN = {"氏": "氏", "名": "名", "氏フリガナ": "氏フリガナ"}


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("cp932"), "cp932"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT.encode("utf-8"), "utf-8"),
        (b"a,b\r\n1,2\r\n", "utf-8"),  # plain ASCII is valid UTF-8
    ],
)
def test_the_encoding_is_detected(data, encoding):
    decoded = read_csv_text(data)

    assert decoded.encoding == encoding
    assert decoded.text == data.decode(encoding)
    assert not decoded.text.startswith("\ufeff")
    assert decoded.sha256 == hashlib.sha256(data).hexdigest()
    assert decoded.size == len(data)


def test_paths_and_open_files_are_read(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(TEXT.encode("cp932"))

    assert read_csv_text(path).text == TEXT
    assert read_csv_text(str(path)).text == TEXT
    with path.open("rb") as handle:
        assert read_csv_text(handle).encoding == "cp932"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-16"),  # Excel's "Unicode text": BOM FF FE and NUL bytes
        b"\x81\x20\x82",  # a broken double-byte sequence
        b"\xa0\xfd\xfe",  # bytes Python's cp932 would turn into private-use characters
    ],
)
def test_a_file_that_is_neither_utf8_nor_cp932_is_refused(data):
    with pytest.raises(UndecodableFileError) as refused:
        read_csv_text(data)

    assert str(refused.value) == UNDECODABLE_MESSAGE


def test_header_spellings_are_compared_loosely():
    assert normalize_header("氏（フリガナ）") == normalize_header(" 氏 フリガナ ") == "氏フリガナ"
    assert normalize_header("ＣＯＤＥ") == "CODE"


def test_rows_carry_the_line_they_start_on():
    text = '氏,名\r\n山田,"太\r\n郎"\r\n\r\n,\r\n鈴木,花子\r\n'

    table = read_table(text, known=KNOWN, required=["氏"])

    assert table.errors == []
    assert table.columns == {"氏": 0, "名": 1}
    assert [(row.line, row.values) for row in table.rows] == [(2, ["山田", "太\r\n郎"]), (6, ["鈴木", "花子"])]


def test_header_problems_are_all_reported_on_line_one():
    table = read_table("氏,氏,生年月日\r\n山田,山田,S1.1.1\r\n", known=KNOWN, required=["名"])

    assert table.errors == [
        RowError(1, "氏", DUPLICATE_HEADER_MESSAGE.format(column="氏")),
        RowError(1, "生年月日", UNKNOWN_HEADER_MESSAGE.format(column="生年月日")),
        RowError(1, "名", MISSING_HEADER_MESSAGE.format(column="名")),
    ]
    assert table.rows == []


def test_unknown_columns_may_be_ignored_when_asked():
    table = read_table("氏,備考\r\n山田,メモ\r\n", known=KNOWN, allow_unknown=True)

    assert (table.errors, table.columns, table.rows[0].values) == ([], {"氏": 0}, ["山田", "メモ"])


def test_rows_of_the_wrong_width_are_errors_but_trailing_empty_cells_are_not():
    text = "氏,名,\r\n山田,太郎,,\r\n鈴木\r\n佐藤,一,二\r\n"

    table = read_table(text, known=KNOWN)

    assert [row.values for row in table.rows] == [["山田", "太郎"]]
    assert table.errors == [
        RowError(3, "", COLUMN_COUNT_MESSAGE.format(count=1, expected=2)),
        RowError(4, "", COLUMN_COUNT_MESSAGE.format(count=3, expected=2)),
    ]


def test_an_empty_file_has_no_header():
    assert read_table("", known=KNOWN).errors == [RowError(1, "", EMPTY_FILE_MESSAGE)]
    assert read_table("\r\n", known=KNOWN).errors == [RowError(1, "", EMPTY_FILE_MESSAGE)]


def test_errors_read_as_japanese_sentences_in_line_order():
    failed = ImportFailed([RowError(5, "氏", "氏が空です"), RowError(0, "", "全体の問題"), RowError(2, "名", "x")])

    assert [str(e) for e in failed.errors] == ["全体の問題", "2行目：x", "5行目：氏が空です"]
    assert str(failed) == "3件のエラーがあります"
