"""The demo ward's directory: about 80 windows and places across its 10 小学校区, the same for the same seed, and
the search by need answering from it as a resident would expect."""

import datetime

import pytest

from tsunagu.areas.models import Town
from tsunagu.demo.ward import generate_ward
from tsunagu.directory.models import Location, Service, ServiceKind
from tsunagu.directory.selectors import directory_search

DAY = datetime.date(2026, 5, 1)


@pytest.mark.django_db
def test_demo_directory_answers_parents_care_with_the_towns_care_plaza():
    generate_ward(size=100, seed=3, today=DAY)
    services = Service.objects.filter(published=True)
    assert 75 <= services.count() <= 90
    assert services.filter(kind=ServiceKind.CARE_PLAZA).count() == 3
    assert services.filter(kind=ServiceKind.COMMISSIONER, locations__isnull=False).count() == 0
    assert Location.objects.filter(hide_exact_location=True).count() == 1
    # 三軒家東 is in 小学校区 S01, which the northern care plaza serves.
    town = Town.objects.filter(name__startswith="三軒家東").order_by("code").first()
    result = directory_search(query="親の介護", today=DAY, town_id=town.pk)
    assert result.entries[0].service.name == "大正区北部地域包括支援センター"
    first = list(services.order_by("name").values_list("name", "last_checked_on"))
    generate_ward(size=100, seed=3, today=DAY, replace=True)
    assert list(Service.objects.order_by("name").values_list("name", "last_checked_on")) == first
