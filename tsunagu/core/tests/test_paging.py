import pytest
from django.http import QueryDict
from django.test import RequestFactory

from tsunagu.core.paging import MAX_PAGE_NUMBER, page_number, take_page
from tsunagu.people.models import Person
from tsunagu.testing.factories import PersonFactory


def test_pages_are_clamped_and_counted(db):
    for _ in range(7):
        PersonFactory()
    qs = Person.objects.order_by("pk")
    rows, window = take_page(qs, page=2, page_size=3, max_page_size=100)
    assert [p.pk for p in rows] == list(qs.values_list("pk", flat=True)[3:6])
    assert (window.total, window.page, window.page_size, window.pages) == (7, 2, 3, 3)
    assert window.has_previous and window.has_next

    rows, window = take_page(qs, page=-4, page_size=500, max_page_size=5)
    assert (len(rows), window.page, window.page_size, window.pages, window.has_previous) == (5, 1, 5, 2, False)

    rows, window = take_page(qs.none(), page=1, page_size=0, max_page_size=5)
    assert (rows, window.page_size, window.pages, window.has_next) == ([], 1, 1, False)


# --- issue 6, item 10: bad page numbers never cause a server error ---------------------------------------------

HUGE = "9223372036854775807"  # the largest signed 64-bit integer: one more overflows SQLite and PostgreSQL


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3),
        (" 3 ", 3),
        (7, 7),
        (None, 1),
        ("", 1),
        ("0", 1),
        ("-5", 1),
        (-5, 1),
        ("abc", 1),
        ("1.5", 1),
        ("1e9", 1),
        ("+3", 1),
        ("３", 1),  # full-width digit: links never carry one
        ("%FF", 1),
        ("\x00", 1),
        (True, 1),
        (HUGE, MAX_PAGE_NUMBER),
        (int(HUGE) + 1, MAX_PAGE_NUMBER),
        ("9" * 5000, MAX_PAGE_NUMBER),  # more digits than int() accepts from a string
        (str(MAX_PAGE_NUMBER), MAX_PAGE_NUMBER),
    ],
)
def test_page_number_parses_and_clamps_a_value(value, expected):
    assert page_number(value) == expected


def test_page_number_reads_the_request_query_string():
    factory = RequestFactory()

    assert page_number(factory.get("/", {"page": "4"})) == 4
    assert page_number(factory.get("/")) == 1
    assert page_number(factory.get("/", {"page": HUGE})) == MAX_PAGE_NUMBER
    assert page_number(factory.get("/?page=1&page=abc")) == 1  # the last value counts, as QueryDict.get gives it
    assert page_number(factory.get("/", {"p": "2"}), param="p") == 2
    assert page_number(QueryDict("page=2")) == 1  # a QueryDict is not a request: not read as one


@pytest.mark.parametrize("page", [int(HUGE), int(HUGE) + 1, MAX_PAGE_NUMBER, 4])
def test_take_page_gives_the_last_page_for_a_number_past_the_end(db, page):
    for _ in range(7):
        PersonFactory()
    qs = Person.objects.order_by("pk")

    rows, window = take_page(qs, page=page, page_size=3, max_page_size=100)

    assert [p.pk for p in rows] == list(qs.values_list("pk", flat=True)[6:])
    assert (window.total, window.page, window.pages, window.has_next, window.has_previous) == (7, 3, 3, False, True)


def test_take_page_of_an_empty_list_is_page_one(db):
    rows, window = take_page(Person.objects.none(), page=int(HUGE), page_size=3, max_page_size=100)

    assert (rows, window.page, window.pages) == ([], 1, 1)


def test_take_page_can_answer_past_the_end_with_an_empty_page(db):
    # The API's way: a client reading pages until one is empty must get the empty one, not the last again.
    for _ in range(7):
        PersonFactory()
    qs = Person.objects.order_by("pk")

    rows, window = take_page(qs, page=4, page_size=3, max_page_size=100, past_end_is_last=False)
    assert (rows, window.page, window.pages, window.has_next) == ([], 4, 3, False)

    rows, window = take_page(qs, page=int(HUGE), page_size=3, max_page_size=100, past_end_is_last=False)
    assert (rows, window.page) == ([], MAX_PAGE_NUMBER)

    rows, window = take_page(qs, page=3, page_size=3, max_page_size=100, past_end_is_last=False)
    assert ([p.pk for p in rows], window.page) == ([qs.last().pk], 3)
