"""Kept figures (tsunagu.core.figures): counts past the threshold are kept until a write they count commits;
small counts are always live; a figure is kept per query, so per viewer scope and filter."""

import pytest
from django.core.cache import cache
from django.db import transaction

from tsunagu.core import figures
from tsunagu.people.models import Person
from tsunagu.testing.factories import PersonFactory


@pytest.fixture
def keeping(settings):
    settings.TSUNAGU_FIGURES_CACHE_SECONDS = 300
    settings.TSUNAGU_FIGURES_EXACT_BELOW = 2
    cache.clear()
    yield settings
    cache.clear()


@pytest.mark.django_db
def test_a_large_count_is_kept_until_a_counted_write_commits(keeping, django_capture_on_commit_callbacks):
    PersonFactory.create_batch(3, family_name="山田")
    assert figures.count(Person.objects.filter(family_name="山田")) == 3
    PersonFactory(family_name="山田")  # written without saying so: the kept figure stands
    assert figures.count(Person.objects.filter(family_name="山田")) == 3
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            figures.figures_changed()
    assert figures.count(Person.objects.filter(family_name="山田")) == 4


@pytest.mark.django_db
def test_a_change_that_does_not_commit_keeps_the_generation(keeping, django_capture_on_commit_callbacks):
    PersonFactory.create_batch(3, family_name="山田")
    assert figures.count(Person.objects.filter(family_name="山田")) == 3
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        figures.figures_changed()
    PersonFactory(family_name="山田")
    assert figures.count(Person.objects.filter(family_name="山田")) == 3
    callbacks[0]()  # the commit
    assert figures.count(Person.objects.filter(family_name="山田")) == 4


@pytest.mark.django_db
def test_small_counts_are_always_live(keeping):
    PersonFactory.create_batch(2, family_name="田中")
    assert figures.count(Person.objects.filter(family_name="田中")) == 2
    PersonFactory(family_name="田中")
    PersonFactory.create_batch(3, family_name="佐藤")
    # 3 is past the threshold now: counted (and kept) at once, not read from an earlier figure
    assert figures.count(Person.objects.filter(family_name="田中")) == 3
    PersonFactory(family_name="田中")
    assert figures.count(Person.objects.filter(family_name="田中")) == 3  # kept
    assert figures.count(Person.objects.filter(family_name="佐藤")) == 3  # another query, another figure


@pytest.mark.django_db
def test_kept_figures_are_told_apart_by_name_and_query(keeping):
    PersonFactory.create_batch(3, family_name="山田")
    qs = Person.objects.filter(family_name="山田")
    assert figures.kept_figure("one", qs, lambda: "first") == "first"
    assert figures.kept_figure("one", qs, lambda: "second") == "first"
    assert figures.kept_figure("two", qs, lambda: "second") == "second"
    assert figures.kept_figure("one", qs.filter(given_name="x"), lambda: "third") == "third"


@pytest.mark.django_db
def test_no_keeping_when_switched_off(settings):
    settings.TSUNAGU_FIGURES_CACHE_SECONDS = 0
    settings.TSUNAGU_FIGURES_EXACT_BELOW = 0
    PersonFactory.create_batch(2, family_name="山田")
    assert figures.count(Person.objects.filter(family_name="山田")) == 2
    PersonFactory(family_name="山田")
    assert figures.count(Person.objects.filter(family_name="山田")) == 3


@pytest.mark.django_db
def test_consent_imports_and_builds_start_a_new_generation(keeping, django_capture_on_commit_callbacks):
    from tsunagu.people.services.consent_state import refresh_consent_state

    before = cache.get(figures.GENERATION_KEY, 0)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            refresh_consent_state([])
    assert cache.get(figures.GENERATION_KEY, 0) == before + 1
