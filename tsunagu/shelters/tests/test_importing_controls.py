"""The shelter import refuses control and direction-override characters (checked once, in tsunagu.core.csvio,
although this importer splits the rows itself), naming the line, the column and the code point."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tsunagu.audit.models import AuditEntry
from tsunagu.core.csvio import UNSAFE_CHARACTER_MESSAGE, RowError
from tsunagu.shelters.management.commands.import_shelters import FAILED_MESSAGE
from tsunagu.shelters.models import Shelter
from tsunagu.shelters.services.importing import ImportFailed, shelters_import

DATA = Path(__file__).parent / "data"


def standard_file(old: str, new: str, *, line_number: int = 3) -> bytes:
    lines = (DATA / "shelters_standard_utf8.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    assert old in lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    return "".join(lines).encode("utf-8-sig")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new", "column", "codepoint"),
    [
        ("北恩加島小学校", "北恩加島\u2067小学校", "名称", "U+2067"),  # a right-to-left isolate in the name
        ("06-0000-0002", "06-0000-0002\u200f", "電話番号", "U+200F"),  # a right-to-left mark after the number
        ("北恩加島町会", "北恩加島町会\x85", "対象となる町会・自治会", "U+0085"),  # a C1 control (NEL)
    ],
)
def test_a_control_character_is_refused_with_line_column_and_code_point(old, new, column, codepoint):
    with pytest.raises(ImportFailed) as failed:
        shelters_import(source=standard_file(old, new))

    expected = UNSAFE_CHARACTER_MESSAGE.format(line=3, column=column, codepoint=codepoint)
    assert failed.value.errors == [RowError(0, "", expected)]
    assert not Shelter.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_the_command_prints_the_place_and_imports_nothing(tmp_path):
    bad = tmp_path / "shelters.csv"
    bad.write_bytes(standard_file("泉尾東小学校", "泉尾東\u202d小学校", line_number=2))
    err = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import_shelters", str(bad), stderr=err)

    assert str(failure.value) == str(FAILED_MESSAGE).format(count=1)
    assert err.getvalue().strip() == UNSAFE_CHARACTER_MESSAGE.format(line=2, column="名称", codepoint="U+202D")
    assert not Shelter.objects.exists()

    # Without the character the same file imports.
    assert shelters_import(source=standard_file("泉尾東小学校", "泉尾東小学校", line_number=2)).created > 0
