"""Issue 6, item 10: every paged list answers an absurd ?page= with a page (the last, or the first), never a
server error. The views still parse the number themselves (their own copies, or Paginator.get_page); what
keeps them safe is that take_page and Paginator.get_page turn a number past the end into the last page."""

import pytest

HUGE = "9223372036854775807"
PAST_THE_END = [HUGE, str(int(HUGE) + 1)]  # the last page
NOT_A_PAGE = ["-1", "0", "abc", "1.5", "%FF", ""]  # the first page
# More digits than int() reads from a string: the views' own parsers give page 1, core.paging.page_number the last.
TOO_LONG = "9" * 5000
BAD_PAGES = [*PAST_THE_END, *NOT_A_PAGE, TOO_LONG]


def expected_pages(page, last):
    if page in PAST_THE_END:
        return {last}
    if page == TOO_LONG:
        return {1, last}
    return {1}

# Lists paged with core.paging.take_page: (URL, the context entry holding the page).
TAKE_PAGE_LISTS = ["/people/", "/roster/", "/evacuation/plans/"]
# Lists paged with django.core.paginator.Paginator.get_page.
PAGINATOR_LISTS = ["/shelters/", "/audit/"]


@pytest.fixture
def officer(ward, verified_client):
    return verified_client(ward.ward_officer)


@pytest.mark.parametrize("url", TAKE_PAGE_LISTS)
def test_take_page_lists_answer_any_page_number(officer, url):
    for page in BAD_PAGES:
        response = officer.get(url, {"page": page})

        assert response.status_code == 200, (url, page)
        result = response.context["result"]
        assert result is not None
        last = max(1, -(-result.total // result.page_size))
        assert result.page in expected_pages(page, last), (url, page)


@pytest.mark.parametrize("url", PAGINATOR_LISTS)
def test_paginator_lists_answer_any_page_number(officer, url):
    for page in BAD_PAGES:
        response = officer.get(url, {"page": page})

        assert response.status_code == 200, (url, page)
        shown = response.context["page"]
        assert shown.number in expected_pages(page, shown.paginator.num_pages), (url, page)


def test_the_audit_log_gives_its_last_page_for_a_huge_number(ward, officer):
    from tsunagu.access.selectors import AUDIT_PAGE_SIZE
    from tsunagu.audit.models import AuditAction
    from tsunagu.audit.services import audit_record

    for i in range(AUDIT_PAGE_SIZE + 1):
        audit_record(actor=ward.ward_officer, action=AuditAction.VIEW, target_type="person", target_ids=[i + 1])

    response = officer.get("/audit/", {"page": HUGE})

    assert response.status_code == 200
    assert response.context["page"].number == response.context["page"].paginator.num_pages == 2


def test_the_person_api_refuses_a_huge_page_with_a_message_not_a_500(ward):
    from django.test import Client

    from tsunagu.testing.accounts import issued_key

    client = Client(headers={"Authorization": f"Token {issued_key(ward.ward_officer)}"})
    for page in [*PAST_THE_END, TOO_LONG]:
        response = client.get("/api/persons/", {"page": page})

        # The API checks its parameters (page ≤ MAX_PAGE) and says which one is wrong.
        assert response.status_code == 400, page
        assert "page" in response.json()["errors"], page
