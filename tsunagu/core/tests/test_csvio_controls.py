"""Control and direction-override characters are refused when a CSV file is read, with the line, the column and
the code point, before any importer sees a row (tsunagu.core.csvio.read_csv_text)."""

import pytest

from tsunagu.core.csvio import (
    UNSAFE_CHARACTER_MESSAGE,
    UNSAFE_MORE_MESSAGE,
    RowError,
    UndecodableFileError,
    UnsafeCharacterError,
    read_csv_text,
    read_table,
)

HEADER = "氏,名,備考\r\n"


def message(line, column, codepoint):
    return UNSAFE_CHARACTER_MESSAGE.format(line=line, column=column, codepoint=codepoint)


@pytest.mark.parametrize(
    "character",
    [
        "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings and overrides
        "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
        "\u200e", "\u200f", "\u061c",  # marks
        "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f",  # C0 controls (not tab, CR, LF) and DEL
        "\x85", "\x9b", "\x9f",  # C1 controls
    ],
)  # fmt: skip
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_each_character_is_refused_with_its_line_column_and_code_point(character, encoding):
    text = HEADER + "山田,太郎,\r\n" + f"鈴木,花{character}子,\r\n"

    with pytest.raises(UnsafeCharacterError) as refused:
        read_csv_text(text.encode(encoding))

    codepoint = f"U+{ord(character):04X}"
    expected = message(3, "名", codepoint)
    assert refused.value.errors == [RowError(3, "名", expected)]
    assert str(refused.value) == expected
    assert "3行目" in expected and "「名」" in expected and codepoint in expected
    # Every importer already refuses an unreadable file, before reading rows and writing anything.
    assert isinstance(refused.value, UndecodableFileError)


def test_cp932_files_are_checked_too():
    # CP932 can carry the C0 controls (ESC here): the check is on the decoded text, whatever the encoding.
    data = (HEADER + "山田,太郎,\x1b[31m赤\r\n").encode("cp932")

    with pytest.raises(UnsafeCharacterError) as refused:
        read_csv_text(data)

    assert refused.value.errors == [RowError(2, "備考", message(2, "備考", "U+001B"))]


def test_tab_and_line_breaks_inside_a_quoted_cell_are_ordinary_text():
    text = HEADER + '山田,太郎,"一行目\r\n二行目\tタブ"\r\n鈴木,花子,\r\n'

    decoded = read_csv_text(text.encode("utf-8"))

    assert decoded.text == text
    table = read_table(decoded.text, known={"氏": "氏", "名": "名", "備考": "備考"})
    assert [row.line for row in table.rows] == [2, 4]


def test_every_cell_is_named_the_header_by_position_and_a_record_by_its_first_line():
    text = (
        "氏,名\u202e,備考\r\n"  # the heading itself: named by its position, and shown without the character
        '山田,"太\r\n郎",\u2066メモ\r\n'  # a record over two lines: the line it starts on, as every other error
        "鈴木,花子,ok,\u200f\r\n"  # beyond the last heading
    )

    with pytest.raises(UnsafeCharacterError) as refused:
        read_csv_text(text.encode("utf-8"))

    assert [(e.line, e.column) for e in refused.value.errors] == [(1, "2列目"), (2, "備考"), (4, "4列目")]
    assert [e.message for e in refused.value.errors] == [
        message(1, "2列目", "U+202E"),
        message(2, "備考", "U+2066"),
        message(4, "4列目", "U+200F"),
    ]
    assert str(refused.value) == "／".join(e.message for e in refused.value.errors)


def test_a_long_list_is_cut_short_in_the_message_but_kept_whole_in_errors():
    text = HEADER + "".join(f"山田{n},\u202e太郎,\r\n" for n in range(15))

    with pytest.raises(UnsafeCharacterError) as refused:
        read_csv_text(text.encode("utf-8"))

    assert len(refused.value.errors) == 15
    assert [e.line for e in refused.value.errors] == list(range(2, 17))
    shown = str(refused.value).split("／")
    assert shown[:10] == [message(line, "名", "U+202E") for line in range(2, 12)]
    assert shown[10] == UNSAFE_MORE_MESSAGE.format(count=5)


def test_ordinary_japanese_text_passes():
    # Full-width spaces, 異体字, half-width kana, emoji and the ZWJ inside it are text, not controls.
    text = HEADER + "髙橋,﨑子,　ﾀｶﾊｼ 👨\u200d👩\u200d👧\r\n"

    assert read_csv_text(text.encode("utf-8")).text == text
