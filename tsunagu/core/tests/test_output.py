import csv
import datetime
import io
import zipfile

import openpyxl
import pytest

from tsunagu.core.output import (
    NOTE_HEADING,
    UNMAPPABLE_MARK,
    XLSX_NOTE_HEADING,
    CharacterChange,
    CsvEncoding,
    cp932_fit,
    formula_like,
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


# Issue 6, item 8: text that becomes a formula only after CP932 fitting (﹦ → =, a lone combining mark dropped)
# or after the width folding readers apply (＝ read as =). (text, the data cell's bytes in the CP932 CSV)
FORMULA_VARIANTS = [
    ("﹦1+1", b"'=1+1"),  # SMALL EQUALS SIGN: fitting folds it to =
    ("＝1+1", b"'\x81\x811+1"),  # FULLWIDTH EQUALS SIGN: CP932 keeps ＝, Japanese Excel reads it as =
    ("﹢1", b"'+1"),  # SMALL PLUS SIGN
    ("﹫SUM(1)", b"'@SUM(1)"),  # SMALL COMMERCIAL AT
    ("⁼1+1", b"'=1+1"),  # SUPERSCRIPT EQUALS SIGN
    ("\u0301=1+1", b"'=1+1"),  # a combining mark with no base: fitting drops it
]
VARIANT_IDS = ["small-equals", "fullwidth-equals", "small-plus", "small-at", "superscript-equals", "combining-mark"]
# Text that must come out exactly as it went in (no apostrophe, no quotePrefix).
PLAIN_TEXT = ["山田 太郎", "1+1", "a=b", "〒551-0001", "（=）", "'=1"]


def csv_data_cell(content: bytes) -> bytes:
    # Line 2 of a one-column file, as bytes; none of the cells below needs CSV quoting.
    return content.split(b"\r\n")[1]


def xlsx_sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


class TestFormulaInjection:
    @pytest.mark.parametrize(("text", "written"), FORMULA_VARIANTS, ids=VARIANT_IDS)
    def test_cp932_csv(self, text, written):
        content, _ = write_csv(["メモ"], [[text]], encoding=CsvEncoding.CP932)

        assert csv_data_cell(content) == written
        assert read_csv(content, "cp932")[1][0].startswith("'")

    @pytest.mark.parametrize(("text", "written"), FORMULA_VARIANTS, ids=VARIANT_IDS)
    def test_utf8_csv(self, text, written):
        content, report = write_csv(["メモ"], [[text]], encoding=CsvEncoding.UTF8_BOM)

        assert csv_data_cell(content) == ("'" + text).encode()  # every character kept, behind the apostrophe
        assert not report.changed

    @pytest.mark.parametrize(("text", "written"), FORMULA_VARIANTS, ids=VARIANT_IDS)
    def test_xlsx(self, text, written):
        content, _ = write_xlsx(["メモ"], [[text]])

        cell = openpyxl.load_workbook(io.BytesIO(content)).active["A2"]
        assert cell.value == text  # kept as registered: the apostrophe is a cell flag, not part of the text
        assert cell.data_type == "s"
        assert cell.quotePrefix
        assert "<f>" not in xlsx_sheet_xml(content)  # no formula anywhere in the sheet

    @pytest.mark.parametrize("text", PLAIN_TEXT)
    def test_plain_text_is_left_alone_in_every_format(self, text):
        for encoding in CsvEncoding:
            content, _ = write_csv(["メモ"], [[text]], encoding=encoding)
            assert read_csv(content, encoding.value)[1] == [text]
        content, _ = write_xlsx(["メモ"], [[text]])
        cell = openpyxl.load_workbook(io.BytesIO(content)).active["A2"]
        assert (cell.value, cell.quotePrefix) == (text, False)

    def test_ascii_triggers_in_every_format(self):
        texts = ["=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1"]

        for encoding in CsvEncoding:
            content, _ = write_csv(["メモ"], [[t] for t in texts], encoding=encoding)
            assert [row[0] for row in read_csv(content, encoding.value)[1:]] == ["'" + t for t in texts]
        content, _ = write_xlsx(["メモ"], [[t] for t in texts])
        cells = [row[0] for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2)]
        # XML parsers read a raw CR back as LF (openpyxl writes it unescaped); the cell is still guarded.
        read_back = [t.replace("\r", "\n") for t in texts]
        assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [(t, "s", True) for t in read_back]

    def test_the_note_of_a_fitted_trigger_is_itself_safe(self):
        content, report = write_csv(["メモ"], [["﹦1+1"]], encoding=CsvEncoding.CP932)

        assert report.changes == [CharacterChange("﹦", "=", 2, "メモ")]
        assert read_csv(content, "cp932")[-1] == ["U+FE66 → =：2行目（メモ）"]

    def test_headers_are_guarded_too(self):
        content, report = write_csv(["﹦1+1"], [], encoding=CsvEncoding.CP932)

        assert content.split(b"\r\n")[0] == b"'=1+1"
        # The report names the column as written, so the note itself encodes in CP932.
        assert report.changes == [CharacterChange("﹦", "=", 1, "'=1+1")]
        assert read_csv(content, "cp932")[-1] == ["U+FE66 → =：1行目（'=1+1）"]

    def test_a_header_cp932_cannot_hold_is_named_as_written(self):
        # Before issue 6 the report named a header by its original text, and the note then failed to encode.
        content, report = write_csv(["𠮷"], [["1"]], encoding=CsvEncoding.CP932)

        assert read_csv(content, "cp932")[0] == ["吉"]
        assert report.changes == [CharacterChange("𠮷", "吉", 1, "吉")]


class TestFormulaLike:
    @pytest.mark.parametrize(
        "text",
        [
            "=1", "＝1", "﹦1", "⁼1", "₌1", "+1", "＋1", "﹢1", "⁺1", "-1", "－1", "﹣1", "@A1", "＠A1", "﹫A1",
            "−1",  # MINUS SIGN: CP932 writes it as 0x817C, which readers decode as －
            "⁻1",  # SUPERSCRIPT MINUS folds to −
            " =1", "\u3000＝1", "\u200b=1", "\ufeff=1", "\u0301=1", "\ufe0f=1", "\u202e=1", "\n=1",
            "\t", "\r", " \t1",
        ],
    )
    def test_formula_like(self, text):
        assert formula_like(text)

    @pytest.mark.parametrize("text", ["", " ", "山田", "1+1", "a=b", "'=1", "〓=1", "–1", "(=1)", "\u3000山田"])
    def test_not_formula_like(self, text):
        assert not formula_like(text)

    def test_cp932_judges_what_the_reader_decodes(self):
        # − is kept by fitting; the CP932 bytes read back as －.
        assert cp932_fit("−1") == ("−1", [])
        assert "−1".encode("cp932").decode("cp932") == "－1"
        assert formula_like("−1", cp932=True)
        content, _ = write_csv(["メモ"], [["−1"]], encoding=CsvEncoding.CP932)
        assert csv_data_cell(content) == b"'\x81|1"
