"""The Content-Security-Policy (django-csp): on every page, strict (no inline code, no eval), with the map's tile
host allowed for images; and the templates hold nothing the policy would block. The browser test
(tsunagu/tests_browser/test_csp_browser.py) checks that real pages report no violation."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

from config.settings.base import _tile_source

TSUNAGU = Path(settings.BASE_DIR, "tsunagu")
TEMPLATE_ROOTS = sorted({*TSUNAGU.glob("*/templates"), TSUNAGU / "templates"})


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def assert_strict(response) -> None:
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["img-src"] == ["'self'", "data:", *_tile_source(settings.TSUNAGU_MAP_TILE_URL)]
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_anonymous_pages_carry_the_policy(client):
    for url in ("/accounts/login/", "/api/docs/", "/api/schema/"):
        assert_strict(client.get(url))


def test_signed_in_pages_and_fragments_carry_the_policy(ward, verified_client):
    client = verified_client(ward.ward_officer)
    for url in ("/", "/people/", "/roster/", "/map/", "/shelters/", "/shelters/map/", "/accounts/tokens/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)
    assert_strict(client.get("/people/", {"q": "たかはし"}, headers={"HX-Request": "true"}))


def test_the_map_tiles_host_is_allowed_for_images_only():
    assert _tile_source("https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png") == [
        "https://cyberjapandata.gsi.go.jp"
    ]
    assert _tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == ["https://*.tile.example.org"]
    assert _tile_source("http://tiles.example.lg.jp:8080/{z}/{x}/{y}.png") == ["http://tiles.example.lg.jp:8080"]
    assert _tile_source("/static/tiles/{z}/{x}/{y}.png") == []  # this site: 'self'


def _template_files() -> list[Path]:
    return sorted(path for root in TEMPLATE_ROOTS for path in root.rglob("*.html"))


def test_no_template_holds_inline_script_style_or_event_handlers():
    files = _template_files()
    assert len(files) > 40
    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",  # an inline script (json_script's data blocks are made by a filter)
            r"<style\b",
            r"\sstyle=",
            r"\son[a-z]+=",
            r"\shx-on[:-]",
            r"javascript:",
        ):
            problems += [f"{path.name}: {m.group()}" for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    assert problems == []


def test_htmx_is_told_not_to_insert_its_style_or_evaluate_code():
    html = engines["django"].from_string("{% include 'base.html' %}").render({})

    meta = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)
    assert meta is not None
    config = json.loads(meta.group(1))
    assert (config["includeIndicatorStyles"], config["allowEval"], config["allowScriptTags"]) == (False, False, False)
    assert html.index('name="htmx-config"') < html.index("htmx-2.min.js")
