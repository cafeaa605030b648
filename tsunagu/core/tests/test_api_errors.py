"""The API's error bodies: every known error is a Japanese 4xx JSON body; a real bug is not disguised."""

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.test import Client
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory

from tsunagu.core.api import (
    CSRF_FAILED_MESSAGE,
    INVALID_INPUT_MESSAGE,
    METHOD_NOT_ALLOWED_MESSAGE,
    NOT_ACCEPTABLE_MESSAGE,
    NOT_AUTHENTICATED_MESSAGE,
    NOT_FOUND_MESSAGE,
    PERMISSION_DENIED_MESSAGE,
    THROTTLED_MESSAGE,
    exception_handler,
    validation_error_body,
)
from tsunagu.testing.accounts import issued_key
from tsunagu.testing.factories import UserFactory


def handle(exc: Exception, method: str = "get"):
    request = getattr(APIRequestFactory(), method)("/api/persons/")
    return exception_handler(exc, {"request": request, "view": None})


# -- validation_error_body ---------------------------------------------------------------------------------


def test_field_errors_are_listed_per_field_and_summarised_in_detail():
    body = validation_error_body({"page": ["整数で。"], "q": ["長すぎます。", "制御文字です。"]})

    assert body == {
        "detail": "page：整数で。／q：長すぎます。／q：制御文字です。",
        "errors": {"page": ["整数で。"], "q": ["長すぎます。", "制御文字です。"]},
    }


def test_errors_without_a_field_go_under_non_field_errors():
    body = validation_error_body(["期間が逆です。"])

    assert body == {"detail": "期間が逆です。", "errors": {"non_field_errors": ["期間が逆です。"]}}


def test_nested_errors_are_named_by_their_path():
    body = validation_error_body({"members": [{}, {"name": ["必須です。"]}], "non_field_errors": ["全体の誤り。"]})

    assert body["errors"] == {"members[1].name": ["必須です。"], "non_field_errors": ["全体の誤り。"]}
    assert body["detail"] == "members[1].name：必須です。／全体の誤り。"


def test_an_empty_error_still_says_something():
    assert validation_error_body({}) == {"detail": str(INVALID_INPUT_MESSAGE), "errors": {}}


# -- exception_handler -------------------------------------------------------------------------------------


def test_http404_is_the_not_found_message():
    response = handle(Http404("person 12 out of scope"))

    assert response.status_code == 404
    assert response.data == {"detail": NOT_FOUND_MESSAGE}  # the internal reason is not shown


def test_drf_validation_error_is_400_with_errors():
    response = handle(exceptions.ValidationError({"birth": ["生年月日を読み取れません"]}))

    assert response.status_code == 400
    assert response.data == {
        "detail": "birth：生年月日を読み取れません",
        "errors": {"birth": ["生年月日を読み取れません"]},
    }


def test_value_error_from_our_parsers_is_400_with_its_message():
    response = handle(ValueError("存在しない日付です（月・日を確認してください）"))

    assert response.status_code == 400
    assert response.data == {
        "detail": "存在しない日付です（月・日を確認してください）",
        "errors": {"non_field_errors": ["存在しない日付です（月・日を確認してください）"]},
    }


def test_django_validation_error_is_400_with_all_messages():
    response = handle(DjangoValidationError(["一つ目。", "二つ目。"]))

    assert response.status_code == 400
    assert response.data["detail"] == "一つ目。／二つ目。"


def test_not_authenticated_is_explained_in_japanese():
    response = handle(exceptions.NotAuthenticated())

    assert response.status_code == 401
    assert response.data == {"detail": NOT_AUTHENTICATED_MESSAGE}


def test_generic_permission_denied_gets_the_japanese_message():
    response = handle(exceptions.PermissionDenied())

    assert response.status_code == 403
    assert response.data == {"detail": PERMISSION_DENIED_MESSAGE}


def test_djangos_permission_denied_gets_the_japanese_message():
    response = handle(DjangoPermissionDenied("internal reason"))

    assert response.status_code == 403
    assert response.data == {"detail": PERMISSION_DENIED_MESSAGE}


def test_a_permission_class_message_is_kept():
    response = handle(exceptions.PermissionDenied("二要素認証を済ませてから使ってください。"))

    assert response.data == {"detail": "二要素認証を済ませてから使ってください。"}


def test_throttled_says_how_long_to_wait_and_keeps_retry_after():
    response = handle(exceptions.Throttled(wait=30))

    assert response.status_code == 429
    assert response.data == {"detail": THROTTLED_MESSAGE.format(wait=30)}
    assert response["Retry-After"] == "30"


def test_an_unexpected_exception_is_left_to_become_a_500():
    # Bugs must stay visible (logged, reported); only input problems are turned into 4xx.
    assert handle(RuntimeError("bug")) is None
    assert handle(KeyError("bug")) is None


# -- Through real requests ---------------------------------------------------------------------------------


@pytest.fixture
def token_client(db):
    return Client(headers={"Authorization": f"Token {issued_key(UserFactory(username='api_user'))}"})


def test_wrong_method_is_405_in_japanese(token_client):
    response = token_client.post("/api/persons/", {"q": "x"})

    assert response.status_code == 405
    assert response.json() == {"detail": METHOD_NOT_ALLOWED_MESSAGE.format(method="POST")}


def test_unacceptable_format_is_406_in_japanese(token_client):
    response = token_client.get("/api/persons/", headers={"Accept": "application/xml"})

    assert response.status_code == 406
    assert response.json() == {"detail": NOT_ACCEPTABLE_MESSAGE}


def test_missing_csrf_token_with_a_session_is_403_in_japanese(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="session_user"))

    response = client.post("/api/persons/", {"q": "x"})

    assert response.status_code == 403
    assert response.json() == {"detail": CSRF_FAILED_MESSAGE}


def test_without_csrf_enforcement_the_same_post_reaches_the_method_check(db):
    client = Client()
    client.force_login(UserFactory(username="session_user"))

    response = client.post("/api/persons/", {"q": "x"})

    assert response.status_code == 405
