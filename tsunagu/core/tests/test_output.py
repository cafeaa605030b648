import csv
import datetime
import io

import openpyxl
import pytest

from tsunagu.core.output import (
    NOTE_HEADING,
    UNMAPPABLE_MARK,
    XLSX_NOTE_HEADING,
    CharacterChange,
    CsvEncoding,
    cp932_fit,
    write_csv,
    write_xlsx,
)

HEADERS = ["氏", "名", "生年月日", "ひとり暮らし"]


def read_csv(content: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode(encoding), newline="")))


class TestCp932Fit:
    @pytest.mark.parametrize(
        ("text", "expected", "changes"),
        [
            ("髙橋", "高橋", [("髙", "高")]),  # encodable only as an NEC/IBM extension code
            ("山﨑", "山崎", [("﨑", "崎")]),
            ("𠮷田", "吉田", [("𠮷", "吉")]),  # outside the BMP, not in CP932 at all
            ("濵田 德子", "浜田 徳子", [("濵", "浜"), ("德", "徳")]),
            ("José", "Jose", [("é", "e")]),
            ("1—2", "1―2", [("—", "―")]),
            ("渡邉\U000e0100", "渡邉", [("\U000e0100", "")]),  # IVS selector: 邉 itself is JIS X 0208
            ("笑😀", f"笑{UNMAPPABLE_MARK}", [("😀", UNMAPPABLE_MARK)]),
        ],
    )
    def test_maps_or_marks_and_reports_every_change(self, text, expected, changes):
        assert cp932_fit(text) == (expected, changes)
        expected.encode("cp932")  # never raises

    @pytest.mark.parametrize("text", ["山田 太郎", "齋藤", "渡邊", "①㈱～", "草彅 昱"])
    def test_leaves_text_that_cp932_carries(self, text):
        # 齋・邊 are JIS X 0208; ①㈱ are NEC row 13; 彅・昱 are extension codes with no standard form to map to.
        assert cp932_fit(text) == (text, [])


class TestWriteCsv:
    rows = [
        ["髙橋", "𠮷男", datetime.date(1940, 5, 3), True],
        ["山田", "花子", None, False],
        ["山﨑", "次郎", datetime.date(1950, 1, 2), False],
    ]

    def test_cp932_decodes_maps_and_appends_a_note(self):
        content, report = write_csv(HEADERS, self.rows, encoding=CsvEncoding.CP932)

        lines = read_csv(content, "cp932")
        assert lines[:4] == [
            HEADERS,
            ["高橋", "吉男", "1940-05-03", "○"],
            ["山田", "花子", "", ""],
            ["山崎", "次郎", "1950-01-02", ""],
        ]
        assert lines[4] == []
        assert lines[5] == [NOTE_HEADING.format(encoding="Shift_JIS（CP932）")]
        assert lines[6:] == [
            ["髙（U+9AD9） → 高：2行目（氏）"],
            ["U+20BB7 → 吉：2行目（名）"],
            ["﨑（U+FA11） → 崎：4行目（氏）"],
        ]
        assert report.changes == [
            CharacterChange("髙", "高", 2, "氏"),
            CharacterChange("𠮷", "吉", 2, "名"),
            CharacterChange("﨑", "崎", 4, "氏"),
        ]
        assert report.counts() == {"髙→高": 1, "𠮷→吉": 1, "﨑→崎": 1}
        assert content.count(b"\r\n") == len(lines)

    def test_cp932_without_problem_characters_has_no_note(self):
        content, report = write_csv(HEADERS, [["山田", "花子", None, False]], encoding=CsvEncoding.CP932)

        assert read_csv(content, "cp932") == [HEADERS, ["山田", "花子", "", ""]]
        assert not report.changed

    def test_utf8_bom_keeps_every_character(self):
        content, report = write_csv(HEADERS, self.rows, encoding=CsvEncoding.UTF8_BOM)

        assert content.startswith(b"\xef\xbb\xbf")
        lines = read_csv(content, "utf-8-sig")
        assert lines[1][:2] == ["髙橋", "𠮷男"]
        assert lines[3][0] == "山﨑"
        assert len(lines) == 4
        assert not report.changed

    @pytest.mark.parametrize("encoding", list(CsvEncoding))
    def test_formula_like_text_is_neutralised(self, encoding):
        content, _ = write_csv(["メモ", "数"], [['=HYPERLINK("x")', -1], ["@SUM(A1)", 3]], encoding=encoding)

        lines = read_csv(content, encoding.value)
        assert lines[1:] == [['\'=HYPERLINK("x")', "-1"], ["'@SUM(A1)", "3"]]

    def test_note_names_at_most_ten_places_per_mapping(self):
        rows = [["髙橋"] for _ in range(12)]

        content, report = write_csv(["氏"], rows, encoding=CsvEncoding.CP932)

        note = read_csv(content, "cp932")[-1][0]
        assert note.startswith("髙（U+9AD9） → 高：2行目（氏）、3行目（氏）")
        assert note.endswith("11行目（氏）ほか2か所")
        assert report.counts() == {"髙→高": 12}


class TestWriteXlsx:
    def test_keeps_text_and_types(self):
        content, report = write_xlsx(
            HEADERS, [["髙橋", "𠮷男", datetime.date(1940, 5, 3), True], ["=1+1", "", None, False]], sheet_title="住民"
        )

        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert sheet.title == "住民"
        assert sheet.freeze_panes == "A2"
        assert [c.value for c in sheet[1]] == HEADERS
        assert sheet["A1"].font.bold
        assert [c.value for c in sheet[2]] == ["髙橋", "𠮷男", datetime.datetime(1940, 5, 3), "○"]
        assert sheet["C2"].is_date
        assert sheet["A3"].value == "=1+1"
        assert sheet["A3"].data_type == "s"  # a string, not a formula
        assert sheet.max_row == 3
        assert not report.changed

    def test_control_characters_are_marked_and_reported(self):
        content, report = write_xlsx(["メモ"], [["a\x07b"]])

        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert sheet["A2"].value == f"a{UNMAPPABLE_MARK}b"
        assert sheet["A4"].value == str(XLSX_NOTE_HEADING)
        assert sheet["A5"].value == f"U+0007 → {UNMAPPABLE_MARK}：2行目（メモ）"
        assert report.changes == [CharacterChange("\x07", UNMAPPABLE_MARK, 2, "メモ")]
