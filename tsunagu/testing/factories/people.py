import datetime

import factory

from tsunagu.core.japanese import kana_search_key, name_search_key
from tsunagu.people.models import Consent, ConsentRequest, ConsentStatus, Household, Person, Sex
from tsunagu.people.services.consent_state import refresh_consent_state


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"H{n:08d}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    resident_number = factory.Sequence(lambda n: f"{100000000 + n}")
    family_name = "山田"
    given_name = factory.Sequence(lambda n: f"太郎{n}")
    family_name_kana = "ヤマダ"
    given_name_kana = "タロウ"
    name_key = factory.LazyAttribute(lambda p: name_search_key(p.family_name + p.given_name))
    kana_key = factory.LazyAttribute(lambda p: kana_search_key(p.family_name_kana + p.given_name_kana))
    birth_date = datetime.date(1940, 5, 3)
    sex = Sex.FEMALE
    town = factory.SubFactory("tsunagu.testing.factories.areas.TownFactory")
    address = "1-2-3"
    phone = "06-6555-0000"
    household = factory.SubFactory(HouseholdFactory)


class _KeepsConsentState:
    """Writes history as the consent services do: the person's consent state follows in the same breath."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        row = super()._create(model_class, *args, **kwargs)
        refresh_consent_state([row.person_id], scope=row.scope)
        return row


class ConsentFactory(_KeepsConsentState, factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    status = ConsentStatus.AGREED
    decided_on = datetime.date(2025, 6, 1)
    method = "郵送"


class ConsentRequestFactory(_KeepsConsentState, factory.django.DjangoModelFactory):
    """A consent-request letter as the letters service records it, with its own 整理番号."""

    class Meta:
        model = ConsentRequest

    person = factory.SubFactory(PersonFactory)
    sent_on = datetime.date(2025, 5, 1)
    reply_due_on = datetime.date(2025, 5, 31)
    letter_number = factory.Sequence(lambda n: f"T-{n:06d}")
