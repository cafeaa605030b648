from tsunagu.core.paging import take_page
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
