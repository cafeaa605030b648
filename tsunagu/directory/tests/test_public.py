"""The public pages: readable without signing in, and a hidden location never leaks — not on the list, the entry's
page, the map's data, the printed list or the HSDS output."""

import json
import subprocess

import pytest
from django.urls import reverse

from tsunagu.testing.directory import HIDDEN_ADDRESS, HIDDEN_NAME, build_directory

# (The search form lists every 町丁目 by name, so a town name alone is no leak: the address is.)
SECRETS = (HIDDEN_ADDRESS, HIDDEN_NAME, "北恩加島バス停", "34.650123", "135.470456", "一丁目9-87")


@pytest.fixture
def directory(ward):
    return build_directory(ward)


def assert_no_secret(text: str) -> None:
    leaked = [s for s in SECRETS if s in text]
    assert leaked == []


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def test_anonymous_visitors_read_every_public_page(client, directory, ward):
    for url in (
        reverse("directory:index"),
        reverse("directory:index") + f"?district={ward.districts.a.pk}",
        reverse("directory:search") + "?q=親の介護",
        reverse("directory:map"),
        reverse("directory:detail", args=[directory.salon.uuid]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "ログアウト" not in response.content.decode()
    detail = client.get(reverse("directory:detail", args=[directory.salon.uuid])).content.decode()
    assert "毎月第2火曜 13:30〜15:00" in detail
    assert "次の日程" in detail


def test_a_draft_is_not_public(client, directory):
    assert client.get(reverse("directory:detail", args=[directory.draft.uuid])).status_code == 404


def test_hidden_location_shows_the_district_only(client, directory, ward):
    for url in (
        reverse("directory:index"),
        reverse("directory:index") + f"?district={ward.districts.b.pk}",
        reverse("directory:detail", args=[directory.shelter.uuid]),
        reverse("directory:search") + "?q=DV",
    ):
        page = client.get(url).content.decode()
        assert "一時避難の場" in page, url
        assert_no_secret(page)
    detail = client.get(reverse("directory:detail", args=[directory.shelter.uuid])).content.decode()
    assert "所在地は公開していません（北恩加島小学校区）" in detail


def test_hidden_location_is_not_on_the_map(client, directory):
    data = client.get(reverse("directory:map_data")).json()
    assert_no_secret(json.dumps(data, ensure_ascii=False))
    names = {f["properties"]["name"] for f in data["features"]}
    assert "泉尾ふれあいサロン" in names
    assert "一時避難の場" not in names


def test_hidden_location_is_not_in_the_printed_list(client, directory, ward):
    response = client.get(reverse("directory:district_pdf", args=[ward.districts.b.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "一時避難の場" in text
    assert "所在地は公開していません" in text
    assert_no_secret(text)
    # The ward-wide windows are on every district's list; the other district's care plaza is not.
    assert "区役所 福祉の総合相談" in text
    assert "泉尾ケアプラザ" not in text


def test_hidden_location_is_not_in_the_hsds_output(client, directory):
    one = client.get(f"/api/hsds/services/{directory.shelter.uuid}")
    assert one.status_code == 200
    assert_no_secret(json.dumps(one.json(), ensure_ascii=False))
    location = one.json()["service_at_locations"][0]["location"]
    assert "addresses" not in location and "latitude" not in location
    export = client.get("/api/hsds/export.json")
    assert_no_secret(json.dumps(export.json(), ensure_ascii=False))
