"""Who may import into the registry and its area table: the policy's MANAGE_REGISTRY capability, asked by
tsunagu.registry.services before the data floor's import routines run."""

import pytest

from tsunagu.areas.models import Town
from tsunagu.areas.services import NOT_ALLOWED_MESSAGE as AREAS_NOT_ALLOWED_MESSAGE
from tsunagu.areas.services import AreasImportNotAllowed
from tsunagu.audit.models import AuditEntry
from tsunagu.people.models import Person
from tsunagu.people.services import NOT_ALLOWED_MESSAGE, ImportNotAllowed
from tsunagu.registry.services import registry_areas_import, registry_residents_import

RESIDENTS = (
    "宛名番号,世帯番号,氏,名,氏フリガナ,名フリガナ,生年月日,性別,町丁目コード,番地\r\n"
    "700000001,H700001,森,花子,モリ,ハナコ,昭和20年1月2日,女,0001001,1-1\r\n"
).encode()
AREAS = (
    "町丁目コード,町丁目名,町丁目名かな,小学校区\r\n"
    "0009001,鶴町一丁目,つるまちいっちょうめ,鶴町小学校区\r\n"
).encode()


@pytest.mark.parametrize("persona", ["ward_clerk", "shakyo_coordinator", "association_member", "outsider"])
def test_only_the_ward_welfare_section_imports_residents(ward, persona):
    before = (Person.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ImportNotAllowed) as refused:
        registry_residents_import(source=RESIDENTS, filename="r.csv", user=getattr(ward, persona))

    assert str(refused.value) == NOT_ALLOWED_MESSAGE
    assert (Person.objects.count(), AuditEntry.objects.count()) == before


def test_the_ward_officer_and_the_system_import_residents(ward):
    result = registry_residents_import(source=RESIDENTS, filename="r.csv", user=ward.ward_officer)
    assert (result.created, Person.objects.filter(resident_number="700000001").count()) == (1, 1)
    again = registry_residents_import(source=RESIDENTS, filename="r.csv")  # the command without --user
    assert again.unchanged == 1


@pytest.mark.parametrize("persona", ["ward_clerk", "shakyo_coordinator", "commissioner"])
def test_only_the_ward_welfare_section_imports_areas(ward, persona):
    with pytest.raises(AreasImportNotAllowed) as refused:
        registry_areas_import(source=AREAS, filename="a.csv", user=getattr(ward, persona))

    assert str(refused.value) == AREAS_NOT_ALLOWED_MESSAGE
    assert not Town.objects.filter(code="0009001").exists()
    registry_areas_import(source=AREAS, filename="a.csv", user=ward.ward_officer)
    assert Town.objects.filter(code="0009001").exists()
