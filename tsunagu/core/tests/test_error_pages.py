"""The 403, 404 and 500 pages: Japanese, English when chosen with the switcher, never Django's debug page with
its list of URLs (not even in the demo), and a 500 page that shows while the database is down."""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import permission_denied

from config import urls as root_urls
from tsunagu.core import views_errors
from tsunagu.core.api import NOT_FOUND_MESSAGE

BASE_DIR = Path(settings.BASE_DIR)
# What Django's technical 404 page says before it lists the URL patterns.
URL_LIST_MARKERS = ("URLconf", "urlpatterns", "Using the URLconf", "The current path", "DEBUG = True")


def choose_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def assert_no_url_list(html: str) -> None:
    for marker in URL_LIST_MARKERS:
        assert marker not in html
    assert "people/&lt;" not in html and "roster/" not in html.split("<main", 1)[-1]


# -- 404 ------------------------------------------------------------------------------------------------------


def test_the_handlers_are_the_core_error_views():
    assert root_urls.handler404 == "tsunagu.core.views_errors.page_not_found"
    assert root_urls.handler500 == "tsunagu.core.views_errors.server_error"


def test_an_address_that_matches_no_route_gives_the_japanese_404_page(client, db):
    response = client.get("/no/such/page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    assert '<html lang="ja">' in html
    assert "<h1>ページが見つかりません</h1>" in html
    assert "区役所の福祉担当にお問い合わせください" in html
    assert_no_url_list(html)


def test_the_404_page_is_english_when_english_was_chosen(client, db):
    choose_english(client)

    response = client.get("/no/such/page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in html
    assert "<h1>Page not found</h1>" in html
    assert "ページが見つかりません" not in html


@pytest.mark.parametrize("guess", ["/people/41802/", "/people/9999999999999999999999/", "/roster/why/41802/"])
def test_an_association_member_guessing_a_person_sees_the_friendly_404(ward, client, guess):
    client.force_login(ward.association_member)

    response = client.get(guess)

    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>ページが見つかりません</h1>" in html
    assert "out of scope" not in html  # the exception's own words stay in the code
    assert 'aria-label="メインメニュー"' in html  # a signed-in user keeps the menu to go on from
    assert_no_url_list(html)


def test_a_person_outside_the_scope_looks_the_same_as_one_that_does_not_exist(ward, client):
    client.force_login(ward.association_member)
    outside = ward.people.b1_agreed  # district B: not in the association's agreement

    missing = client.get("/people/41802/")
    hidden = client.get(f"/people/{outside.pk}/")

    assert missing.status_code == hidden.status_code == 404
    body = missing.content.decode().split("<main", 1)[1]
    assert hidden.content.decode().split("<main", 1)[1] == body
    assert outside.family_name not in hidden.content.decode()


def test_an_htmx_request_gets_a_short_message_for_the_message_area(client, db):
    response = client.get("/no/such/page/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 404
    assert response["HX-Retarget"] == views_errors.HTMX_MESSAGES_TARGET == "#htmx-messages"
    assert response["HX-Reswap"].startswith("innerHTML")
    assert "<html" not in html and "site-header" not in html
    assert 'role="alert"' in html
    assert "お探しの情報は見つかりませんでした" in html


def test_the_page_that_receives_the_htmx_message_has_the_area_and_lets_htmx_show_404_and_500(client, db):
    html = client.get("/accounts/login/").content.decode()

    assert '<div id="htmx-messages"></div>' in html
    config = json.loads(html.split('<meta name="htmx-config" content=\'', 1)[1].split("'>", 1)[0])
    swaps = {rule["code"]: rule["swap"] for rule in config["responseHandling"]}
    assert swaps["404|500"] is True
    assert swaps["[45].."] is False


def test_htmx_history_restoration_gets_the_whole_404_page(client, db):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}

    response = client.get("/no/such/page/", headers=headers)

    assert response.status_code == 404
    assert "HX-Retarget" not in response
    assert '<html lang="ja">' in response.content.decode()


def test_an_unknown_api_address_gets_the_api_error_body(client, db):
    response = client.get("/api/no-such-endpoint/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": NOT_FOUND_MESSAGE}


# -- 500 ------------------------------------------------------------------------------------------------------


def database_down():
    """Every query fails, as when PostgreSQL has gone away."""
    return mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=OperationalError("the database is down"))


def test_the_500_page_shows_in_japanese_while_the_database_is_down(ward, client):
    client.force_login(ward.association_member)
    client.raise_request_exception = False

    # Signed in: loading the session and the user from the database is what fails.
    with database_down():
        response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="ja">' in html
    assert "<h1>エラーが発生しました</h1>" in html
    assert "発生日時：" in html  # the template, not the plain fallback
    assert '<link rel="stylesheet" href="/static/core/tsunagu.css">' in html
    assert settings.TSUNAGU_WARD_NAME in html
    assert "the database is down" not in html and "Traceback" not in html


def test_a_signed_in_users_500_page_needs_no_database(ward, client):
    client.force_login(ward.association_member)
    client.raise_request_exception = False

    with database_down():
        response = client.get("/roster/")

    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>エラーが発生しました</h1>" in html
    assert "発生日時：" in html  # the template, not the plain fallback


def test_the_500_page_is_english_when_english_was_chosen(ward, client):
    client.force_login(ward.association_member)
    client.raise_request_exception = False
    choose_english(client)

    with database_down():
        response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="en">' in html
    assert "<h1>Something went wrong</h1>" in html
    assert "エラーが発生しました" not in html


def test_the_500_view_renders_without_touching_the_database():
    # No db fixture: pytest-django refuses any database access here, so a query would fail the render.
    request = RequestFactory().get("/roster/")
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = views_errors.server_error(request)

    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in html
    assert "Time: " in html


def test_an_htmx_request_gets_a_short_500_message():
    request = RequestFactory().get("/people/search/", headers={"HX-Request": "true"})

    response = views_errors.server_error(request)

    html = response.content.decode()
    assert response.status_code == 500
    assert response["HX-Retarget"] == "#htmx-messages"
    assert "<html" not in html
    assert "エラーが発生したため、表示できませんでした" in html


def test_an_api_500_is_a_json_body():
    response = views_errors.server_error(RequestFactory().get("/api/persons/"))

    assert response.status_code == 500
    assert json.loads(response.content) == {
        "detail": "サーバーでエラーが発生しました。しばらくしてから、もう一度お試しください。"
    }


def test_when_even_the_500_template_fails_a_plain_page_is_sent():
    with mock.patch.object(views_errors.loader, "get_template", side_effect=ValueError("no manifest entry")):
        response = views_errors.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert response.content.decode() == views_errors.FALLBACK_SERVER_ERROR_HTML


# -- 403 ------------------------------------------------------------------------------------------------------


def test_the_403_page_explains_shows_the_reason_and_where_to_ask(rf, db):
    request = rf.get("/people/consent/")

    reason = "同意の管理は区役所の福祉部門の職員だけが行えます。"

    with translation.override("ja"):
        with_reason = render_to_string("403.html", {"reason": reason}, request)
        without = render_to_string("403.html", {}, request)

    assert "<h1>このページは閲覧できません</h1>" in with_reason
    assert f"理由：</strong>{reason}" in with_reason
    assert "所属先の担当者か区役所の福祉担当にお問い合わせください" in with_reason
    assert "<h1>このページは閲覧できません</h1>" in without
    assert "理由：" not in without


def test_a_permission_denied_raised_anywhere_uses_the_403_page_without_its_internal_message(rf, db):
    request = rf.get("/somewhere/")

    with translation.override("ja"):
        response = permission_denied(request, PermissionDenied("internal: grant ROSTER missing"))

    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>このページは閲覧できません</h1>" in html
    assert "internal" not in html


# -- the demo's settings --------------------------------------------------------------------------------------

_DEMO_PROBE = """
import json
import django
from django.conf import settings
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
page = client.get("/no/such/page/", HTTP_HOST="127.0.0.1")
css = client.get("/static/core/tsunagu.css", HTTP_HOST="127.0.0.1")
print(json.dumps({
    "debug": settings.DEBUG,
    "status": page.status_code,
    "html": page.content.decode(),
    "css_status": css.status_code,
    "css": b"".join(css.streaming_content).decode() if css.status_code == 200 else "",
}))
"""


def _demo_settings(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TSUNAGU_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"})
    env.update(extra)
    result = subprocess.run(
        [sys.executable, "-c", _DEMO_PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_make_demo_runs_the_local_settings():
    makefile = (BASE_DIR / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]

    assert "runserver" in recipe
    assert "--settings=config.settings.local" in recipe
    assert "DJANGO_DEBUG" not in recipe


def test_the_demo_settings_have_debug_off_and_still_serve_the_stylesheet(tmp_path):
    demo = _demo_settings(tmp_path)

    assert demo["debug"] is False
    assert demo["status"] == 404
    assert "ページが見つかりません" in demo["html"]
    assert_no_url_list(demo["html"])
    assert demo["css_status"] == 200
    assert ".site-header" in demo["css"]


def test_a_developer_can_still_turn_debug_on(tmp_path):
    demo = _demo_settings(tmp_path, DJANGO_DEBUG="true")

    assert demo["debug"] is True
    assert "URLconf" in demo["html"]  # Django's technical 404: for developers only
