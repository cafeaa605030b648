"""The residents import refuses control and direction-override characters (checked once, in
tsunagu.core.csvio), naming the line, the column and the code point, and writes nothing."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.core.csvio import UNSAFE_CHARACTER_MESSAGE
from tsunagu.core.import_command import FAILED_MESSAGE
from tsunagu.people.models import Person
from tsunagu.people.services import ImportFailed, RowError, residents_import

DATA = Path(__file__).parent / "data"
TODAY = datetime.date(2026, 6, 1)


def sample_lines():
    return (DATA / "residents_utf8.csv").read_text(encoding="utf-8").splitlines(keepends=True)


def with_character(line_number: int, old: str, new: str) -> bytes:
    lines = sample_lines()
    assert old in lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    return "".join(lines).encode("utf-8")


def test_a_right_to_left_override_in_a_name_is_refused_with_line_column_and_code_point(ward):
    # 「山﨑 太郎」 would show as 「山﨑 郎太」: the stored name is not the one read on the screen.
    data = with_character(3, ",太郎,", ",\u202e太郎,")

    with pytest.raises(ImportFailed) as failed:
        residents_import(source=data, today=TODAY)

    expected = UNSAFE_CHARACTER_MESSAGE.format(line=3, column="名", codepoint="U+202E")
    assert failed.value.errors == [RowError(0, "", expected)]
    assert str(failed.value.errors[0]) == expected
    assert Person.objects.filter(resident_number__startswith="3000").count() == 0
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT).exists()

    # The same file without the character imports.
    result = residents_import(source="".join(sample_lines()).encode("utf-8"), today=TODAY)
    assert result.created > 0


def test_a_c0_control_in_an_address_is_refused_through_the_command(ward, tmp_path):
    bad = tmp_path / "residents.csv"
    bad.write_bytes(with_character(2, "1-2-3", "1-2\x08-3"))
    err = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import_residents", str(bad), "--no-progress", stderr=err)

    assert str(failure.value) == str(FAILED_MESSAGE).format(count=1)
    assert err.getvalue().strip() == UNSAFE_CHARACTER_MESSAGE.format(line=2, column="番地", codepoint="U+0008")
    assert not Person.objects.filter(resident_number__startswith="3000").exists()
