"""The data migration that stores residents' phone numbers in half-width form (issue 6, item 15)."""

import importlib

import pytest
from django.apps import apps

from tsunagu.people.models import Person
from tsunagu.testing.factories import PersonFactory

migration = importlib.import_module("tsunagu.people.migrations.0005_person_phone_half_width")


@pytest.mark.django_db
def test_stored_phones_become_half_width_and_nothing_else_changes():
    full_width = PersonFactory(phone="０６－６５５５－０１０１")
    long_vowel = PersonFactory(phone="06ー6555ー0102")
    already = PersonFactory(phone="06-6555-0103")
    blank = PersonFactory(phone="")
    too_long = PersonFactory(phone="℡" * 11)  # TEL × 11 would not fit 30 characters: left for staff
    before = dict(Person.objects.values_list("pk", "updated_at"))

    migration.normalise_phones(apps, None)

    stored = dict(Person.objects.values_list("pk", "phone"))
    assert [stored[p.pk] for p in (full_width, long_vowel, already, blank, too_long)] == [
        "06-6555-0101",
        "06-6555-0102",
        "06-6555-0103",
        "",
        "℡" * 11,
    ]
    assert dict(Person.objects.values_list("pk", "updated_at")) == before
