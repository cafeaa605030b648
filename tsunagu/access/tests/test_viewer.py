"""One reading of a user's memberships and agreements per request: the navigation, the page and its selectors
share the request's Viewer instead of asking again (and a change is seen by the next request at once)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.access.policy import Viewer, viewer_for

MEMBERSHIP_TABLE = '"organisations_membership"'


def membership_reads(queries) -> int:
    return sum(1 for q in queries if f"FROM {MEMBERSHIP_TABLE}" in q["sql"].replace("`", '"'))


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("association_member", "portal:home"),
        ("association_member", "roster:list"),
        ("ward_officer", "portal:home"),
        ("ward_officer", "roster:list"),
        ("commissioner", "registry:search"),
    ],
)
def test_a_page_reads_the_memberships_once(ward, verified_client, persona, url):
    client = verified_client(getattr(ward, persona))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(url))
    assert response.status_code == 200
    assert "nav" in response.context  # the navigation was rendered from the same Viewer
    assert membership_reads(queries.captured_queries) == 1


def test_outside_a_request_every_call_sees_changes_at_once(ward):
    user = ward.association_member
    assert policy.visible_persons(user).exists()
    agreement = ward.agreements.association
    agreement.revoked_at = timezone.now()
    agreement.save(update_fields=["revoked_at"])
    assert not policy.visible_persons(user).exists()


def test_a_viewer_keeps_its_grants_and_a_fresh_one_is_made_outside_a_request(ward):
    viewer = Viewer(ward.association_member)
    first = viewer.grants()
    assert viewer.grants() is first  # computed once
    assert viewer_for(viewer) is viewer
    assert viewer_for(ward.association_member) is not viewer  # no request: a fresh one
