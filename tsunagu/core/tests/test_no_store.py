"""`Cache-Control: no-store` on every response that may hold personal data (tsunagu.core.middleware.NoStoreMiddleware):
every response to a signed-in user and every API response; static files and views with their own no-store header
are left as they are."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory

from tsunagu.core.middleware import NoStoreMiddleware
from tsunagu.testing.accounts import issued_key


def no_store(response) -> bool:
    return "no-store" in [part.strip() for part in response.get("Cache-Control", "").split(",")]


def test_pages_fragments_and_refusals_for_a_signed_in_user_are_not_stored(ward, verified_client):
    client = verified_client(ward.ward_officer)
    person = ward.people.a1_agreed

    for url in ("/", "/people/", f"/people/{person.pk}/", "/roster/", "/map/", "/shelters/", "/audit/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url
    fragment = client.get("/people/", {"q": "たかはし"}, headers={"HX-Request": "true"})
    assert "髙橋" in fragment.content.decode()
    assert no_store(fragment)
    assert no_store(client.get("/people/999999999/"))  # a 404 names what was asked for
    assert no_store(verified_client(ward.ward_clerk).get("/audit/"))  # a refusal


def test_community_pages_are_not_stored_either(ward, client):
    client.force_login(ward.association_member)
    response = client.get("/roster/")
    assert response.status_code == 200
    assert no_store(response)


def test_every_api_response_is_not_stored_whoever_asks(ward, client):
    key = issued_key(ward.association_member)
    token = Client(headers={"Authorization": f"Token {key}"})

    assert no_store(token.get("/api/persons/"))
    assert no_store(token.get(f"/api/persons/{ward.people.a1_agreed.pk}/"))
    assert no_store(client.get("/api/persons/"))  # anonymous and refused
    assert no_store(client.get("/api/schema/"))


def test_a_views_own_no_store_header_and_never_cache_are_kept_as_they_are(ward, verified_client):
    client = verified_client(ward.ward_officer)

    assert client.get("/map/data.json")["Cache-Control"] == "no-store"
    assert client.get("/accounts/tokens/")["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_anonymous_pages_without_personal_data_keep_their_caching(client):
    response = client.get("/")  # the sign-in redirect
    assert response.status_code == 302
    assert not no_store(response)


def _through_middleware(path: str, user, response: HttpResponse) -> HttpResponse:
    request = RequestFactory().get(path)
    request.user = user
    return NoStoreMiddleware(lambda request: response)(request)


def test_static_files_are_left_alone_even_for_a_signed_in_user():
    user = SimpleNamespace(is_authenticated=True)
    static = HttpResponse("body{}", content_type="text/css")
    static["Cache-Control"] = "max-age=315360000, public, immutable"

    passed = _through_middleware("/static/core/tsunagu.css", user, static)

    assert passed["Cache-Control"] == "max-age=315360000, public, immutable"


def test_a_download_for_a_signed_in_user_is_not_stored_and_loses_public():
    user = SimpleNamespace(is_authenticated=True)
    download = HttpResponse(b"a,b\r\n", content_type="text/csv")
    download["Content-Disposition"] = 'attachment; filename="roster.csv"'
    download["Cache-Control"] = "public, max-age=60"

    passed = _through_middleware("/roster/output/", user, download)

    assert no_store(passed)
    assert "public" not in passed["Cache-Control"]
    assert "private" in passed["Cache-Control"]


def test_the_api_is_not_stored_even_without_a_user():
    assert no_store(_through_middleware("/api/persons/", AnonymousUser(), HttpResponse("{}")))
    assert not no_store(_through_middleware("/accounts/login/", AnonymousUser(), HttpResponse("")))
