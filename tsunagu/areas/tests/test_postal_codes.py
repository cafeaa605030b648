"""郵便番号 on 町丁目: read by the area import when the file has the column (the consent letters print it in the
window-envelope address), kept as 7 digits, shown as 551-0031."""

import pytest

from tsunagu.areas.models import Town
from tsunagu.areas.services import POSTAL_CODE_MESSAGE, ImportFailed, areas_import
from tsunagu.core.csvio import RowError

HEADER = "町丁目コード,町丁目名,郵便番号,小学校区\r\n"


@pytest.mark.django_db
def test_the_postal_code_column_is_read_in_every_common_spelling():
    text = HEADER + (
        "0001001,泉尾一丁目,551-0031,泉尾小学校区\r\n"
        "0001002,泉尾二丁目,〒５５１－００３１,泉尾小学校区\r\n"
        "0002001,北恩加島一丁目,5510032,北恩加島小学校区\r\n"
        "0003001,船町一丁目,,鶴町小学校区\r\n"
    )

    areas_import(source=text.encode("cp932"))

    assert dict(Town.objects.values_list("code", "postal_code")) == {
        "0001001": "5510031",
        "0001002": "5510031",
        "0002001": "5510032",
        "0003001": "",
    }
    assert Town.objects.get(code="0001001").postal_code_display == "551-0031"
    assert Town.objects.get(code="0003001").postal_code_display == ""


@pytest.mark.django_db
def test_a_reimport_updates_the_code_and_a_file_without_the_column_keeps_it():
    areas_import(source=(HEADER + "0001001,泉尾一丁目,551-0030,泉尾小学校区\r\n").encode())

    corrected = areas_import(source=(HEADER + "0001001,泉尾一丁目,551-0031,泉尾小学校区\r\n").encode())
    without = areas_import(source="町丁目コード,町丁目名,小学校区\r\n0001001,泉尾一丁目,泉尾小学校区\r\n".encode())

    assert (corrected.towns_updated, without.towns_unchanged) == (1, 1)
    assert Town.objects.get(code="0001001").postal_code == "5510031"


@pytest.mark.django_db
def test_a_postal_code_that_is_not_seven_digits_is_reported_with_its_line():
    text = HEADER + "0001001,泉尾一丁目,551-003,泉尾小学校区\r\n0001002,泉尾二丁目,551-00３1x,泉尾小学校区\r\n"

    with pytest.raises(ImportFailed) as failed:
        areas_import(source=text.encode())

    assert failed.value.errors == [
        RowError(2, "郵便番号", POSTAL_CODE_MESSAGE.format(value="551-003")),
        RowError(3, "郵便番号", POSTAL_CODE_MESSAGE.format(value="551-00３1x")),
    ]
    assert not Town.objects.exists()
