import factory

from tsunagu.areas.models import District, DistrictType, Municipality, Town, TownDistrict, local_government_check_digit


def municipality_code(five: str) -> str:
    """A 全国地方公共団体コード with its check digit (27108 → 271080)."""
    return f"{five}{local_government_check_digit(five)}"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: municipality_code(f"{27200 + n:05d}"))
    name = factory.Sequence(lambda n: f"第{n}区")
    full_name = factory.LazyAttribute(lambda m: f"大阪府大阪市{m.name}")


class DistrictTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DistrictType
        django_get_or_create = ("code",)

    code = "school"
    name = "小学校区"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    district_type = factory.SubFactory(DistrictTypeFactory)
    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}地区")


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"{n:07d}")
    name = factory.Sequence(lambda n: f"三軒家{n}丁目")

    @factory.post_generation
    def in_districts(self, create: bool, extracted: list[District] | None, **kwargs) -> None:
        for district in extracted or []:
            TownDistrict.objects.create(town=self, district=district, district_type=district.district_type)
