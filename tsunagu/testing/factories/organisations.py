import datetime

import factory

from tsunagu.organisations.models import (
    Agreement,
    ConsentRequirement,
    DataScope,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"テスト団体{n}")
    kind = OrganisationKind.NEIGHBOURHOOD


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory("tsunagu.testing.factories.accounts.UserFactory")
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.MEMBER
    started_on = datetime.date(2020, 4, 1)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    data_scopes = factory.LazyFunction(lambda: [DataScope.ROSTER])
    consent_requirement = ConsentRequirement.REQUIRED
    valid_from = datetime.date(2024, 4, 1)
    valid_to = datetime.date(2027, 3, 31)
    document_reference = factory.Sequence(lambda n: f"大正福第{n}号")

    @factory.post_generation
    def districts(self, create: bool, extracted: list | None, **kwargs) -> None:
        if extracted:
            self.districts.set(extracted)
