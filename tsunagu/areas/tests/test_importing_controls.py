"""The area import refuses control and direction-override characters (checked once, in tsunagu.core.csvio)."""

import pytest

from tsunagu.areas.models import Town
from tsunagu.areas.services import ImportFailed, areas_import
from tsunagu.core.csvio import UNSAFE_CHARACTER_MESSAGE, RowError


@pytest.mark.django_db
def test_a_direction_override_in_a_town_name_is_refused():
    text = (
        "町丁目コード,町丁目名,小学校区\r\n"
        "0001001,泉尾一丁目,泉尾小学校区\r\n"
        "0001002,泉尾\u202e二丁目,泉尾小学校区\r\n"
    )

    with pytest.raises(ImportFailed) as failed:
        areas_import(source=text.encode("utf-8"))

    expected = UNSAFE_CHARACTER_MESSAGE.format(line=3, column="町丁目名", codepoint="U+202E")
    assert failed.value.errors == [RowError(0, "", expected)]
    assert not Town.objects.exists()
