"""The HSDS 3.0 export and API validate against the official compiled schemas (hsds_schema/, see LICENCE.md)."""

import json
import uuid
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tsunagu.testing.directory import build_directory

SCHEMAS = Path(__file__).parent / "hsds_schema"


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def assert_valid(name: str, data: dict) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(data)]
    assert errors == []


@pytest.fixture
def directory(ward):
    return build_directory(ward)


def test_root_names_the_version_and_the_openapi(client):
    data = client.get("/api/hsds/").json()
    assert data["version"].startswith("3.0")
    assert data["openapi_url"].endswith("openapi.json")
    assert "profile" in data


def test_services_page_follows_the_hsds_envelope_and_schema(client, directory):
    data = client.get("/api/hsds/services?per_page=3&page=2").json()
    published = 8  # build_directory: nine entries, one a draft
    envelope = ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty")
    assert {k: data[k] for k in envelope} == {
        "total_items": published, "total_pages": 3, "page_number": 2, "size": 3, "first_page": False,
        "last_page": False, "empty": False,
    }  # fmt: skip
    for service in data["contents"]:
        assert_valid("service_list", service)
    everything = client.get("/api/hsds/services?per_page=100&full=true").json()["contents"]
    assert len(everything) == published
    for service in everything:
        assert_valid("service", service)


def test_one_service_fully_nested_validates(client, directory):
    data = client.get(f"/api/hsds/services/{directory.salon.uuid}").json()
    assert_valid("service", data)
    assert data["id"] == str(directory.salon.uuid)
    schedule = data["schedules"][0]
    assert (schedule["freq"], schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "MONTHLY",
        "2TU",
        "13:30",
        "15:00",
    )
    location = data["service_at_locations"][0]["location"]
    assert location["addresses"][0]["address_1"].startswith("泉尾二丁目")
    assert location["addresses"][0]["country"] == "JP"
    general = client.get(f"/api/hsds/services/{directory.general.uuid}").json()
    assert general["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    assert "祝日" in general["schedules"][0]["notes"]


def test_assured_date_is_the_persons_check_not_the_last_edit(client, directory):
    import datetime

    directory.salon.last_checked_on = datetime.date(2026, 3, 1)
    directory.salon.save()
    data = client.get(f"/api/hsds/services/{directory.salon.uuid}").json()
    assert data["assured_date"] == "2026-03-01"
    assert not data["last_modified"].startswith("2026-03-01")


def test_the_export_validates_per_organization(client, directory):
    response = client.get("/api/hsds/export.json")
    assert "attachment" in response["Content-Disposition"]
    organizations = response.json()
    assert sum(len(o["services"]) for o in organizations) == 8
    for organization in organizations:
        assert_valid("organization", organization)


def test_unknown_or_unpublished_ids_are_404(client, directory):
    assert client.get(f"/api/hsds/services/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/hsds/services/not-a-uuid").status_code == 404
    assert client.get(f"/api/hsds/services/{directory.draft.uuid}").status_code == 404
