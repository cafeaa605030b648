"""The directory as Open Referral HSDS 3.0 (https://docs.openreferral.org/en/v3.0.1/): the nested JSON of a service
(schema/compiled/service.json), the one-to-one fields a list carries (service_list.json), and an organization with
its services and locations (organization.json). The mapping is in docs/directory.md.

Every id is a UUID: the rows' own `uuid`, or for what has no row of its own (a phone, an address, a language) a
UUID5 derived from its row's, so it stays the same from one export to the next. Empty values are left out, not sent
as null (the schemas type them as strings). A hidden location goes out as its district only: no address, no
coordinates, no directions — the same rule as the public pages (selectors.public_location)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import settings

from tsunagu.directory.models import DirectoryOrganisation, Schedule, Service
from tsunagu.directory.schedules import parse_recurrence
from tsunagu.directory.selectors import PublicLocation, TownAreas, public_location

HSDS_VERSION = "3.0.1"
HSDS_PROFILE = "https://docs.openreferral.org/en/v3.0.1/"
HSDS_OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0.1/schema/openapi.json"
# Schedules' `timezone`: the UTC offset of their times (JST).
TIMEZONE_OFFSET = 9

_PREFECTURE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)")


def _derived_id(base: uuid.UUID, name: str) -> str:
    return str(uuid.uuid5(base, name))


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in ("", None, [])}


def _prefecture_and_city() -> tuple[str, str]:
    """(大阪府, 大阪市大正区) from the settings that name the ward."""
    municipality = getattr(settings, "TSUNAGU_MUNICIPALITY_NAME", "")
    ward = getattr(settings, "TSUNAGU_WARD_NAME", "")
    match = _PREFECTURE.match(municipality)
    prefecture = match.group(1) if match else ""
    return prefecture, municipality.removeprefix(prefecture) + ward


def organization_brief(organisation: DirectoryOrganisation) -> dict[str, Any]:
    org_id = str(organisation.uuid)
    phones = []
    if organisation.phone:
        phones.append(
            {"id": _derived_id(organisation.uuid, "phone"), "organization_id": org_id, "number": organisation.phone}
        )
    return _clean(
        {
            "id": org_id,
            "name": organisation.name,
            # Required by HSDS; an organisation without an introduction is described by its name.
            "description": organisation.description or organisation.name,
            "email": organisation.email,
            "website": organisation.url,
            "phones": phones,
        }
    )


def schedule_json(schedule: Schedule, *, service_id: str) -> dict[str, Any]:
    rule = parse_recurrence(schedule.rrule)
    byday = ",".join(f"{n if n is not None else ''}{'MO TU WE TH FR SA SU'.split()[d]}" for n, d in rule.byday)
    notes = [schedule.note]
    if schedule.closed_on_holidays:
        notes.insert(0, "祝日・年末年始（12月29日〜1月3日）は休み")
    return _clean(
        {
            "id": str(schedule.uuid),
            "service_id": service_id,
            "valid_from": schedule.starts_on.isoformat(),
            "valid_to": schedule.ends_on.isoformat() if schedule.ends_on else "",
            "dtstart": schedule.starts_on.isoformat(),
            "timezone": TIMEZONE_OFFSET,
            "freq": rule.freq,
            "interval": rule.interval if rule.interval != 1 else None,
            "byday": byday,
            "bymonthday": ",".join(str(d) for d in rule.bymonthday),
            "opens_at": schedule.opens_at.strftime("%H:%M"),
            "closes_at": schedule.closes_at.strftime("%H:%M"),
            "description": schedule.describe(),
            "notes": "。".join(n for n in notes if n),
        }
    )


def _location_json(location, place: PublicLocation, *, organization_id: str) -> dict[str, Any]:  # noqa: ANN001
    location_id = str(location.uuid)
    accessibility = [
        {"id": _derived_id(location.uuid, f"accessibility:{label}"), "location_id": location_id, "description": label}
        for label in place.accessibility
    ]
    if place.hidden:
        return _clean(
            {
                "id": location_id,
                "location_type": "physical",
                "organization_id": organization_id,
                "name": place.area or place.name,
                "description": place.name,
                "accessibility": accessibility,
            }
        )
    prefecture, city = _prefecture_and_city()
    address_1 = location.address.removeprefix(prefecture).removeprefix(city) or location.address
    postal_code = place.postal_code or (location.town.postal_code_display if location.town_id else "")
    addresses = []
    if location.address:
        addresses.append(
            {
                "id": _derived_id(location.uuid, "address"),
                "location_id": location_id,
                "address_1": address_1,
                "city": city,
                "state_province": prefecture,
                "postal_code": postal_code,
                "country": "JP",
                "address_type": "physical",
            }
        )
    return _clean(
        {
            "id": location_id,
            "location_type": "physical",
            "organization_id": organization_id,
            "name": place.name,
            "description": place.area,
            "transportation": place.transportation,
            "latitude": float(place.latitude) if place.latitude is not None else None,
            "longitude": float(place.longitude) if place.longitude is not None else None,
            "addresses": addresses,
            "accessibility": accessibility,
        }
    )


def service_brief(service: Service) -> dict[str, Any]:
    """The one-to-one fields of a service (schema/compiled/service_list.json), as /services lists them."""
    fees = service.get_cost_kind_display()
    if service.cost_note:
        fees = f"{fees}（{service.cost_note}）"
    return _clean(
        {
            "id": str(service.uuid),
            "organization_id": str(service.organisation.uuid),
            "name": service.name,
            "alternate_name": service.name_kana,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "interpretation_services": service.language_note,
            "application_process": service.how_to_use,
            "fees_description": fees,
            "eligibility_description": service.eligibility,
            # A person confirmed it (「確認しました」), which is not the same as the last edit.
            "assured_date": service.last_checked_on.isoformat() if service.last_checked_on else "",
            "last_modified": service.updated_at.isoformat(),
        }
    )


def service_full(service: Service, *, areas: TownAreas) -> dict[str, Any]:
    """A fully nested service (schema/compiled/service.json): organization, phones, schedules, service areas,
    languages, and each service_at_location with its location, address and accessibility."""
    data = service_brief(service)
    service_id = data["id"]
    organization_id = data["organization_id"]
    phones = []
    if service.phone:
        phones.append(
            _clean(
                {
                    "id": _derived_id(service.uuid, "phone"),
                    "service_id": service_id,
                    "number": service.phone,
                    "type": "voice",
                    "description": service.phone_note,
                }
            )
        )
    if service.fax:
        phones.append(
            {"id": _derived_id(service.uuid, "fax"), "service_id": service_id, "number": service.fax, "type": "fax"}
        )
    service_at_locations = []
    for sal in service.service_at_locations.all():
        place = public_location(sal.location, areas)
        service_at_locations.append(
            {
                "id": str(sal.uuid),
                "service_id": service_id,
                "location_id": str(sal.location.uuid),
                "location": _location_json(sal.location, place, organization_id=organization_id),
            }
        )
    data.update(
        _clean(
            {
                "organization": organization_brief(service.organisation),
                "phones": phones,
                "schedules": [schedule_json(s, service_id=service_id) for s in service.schedules.all()],
                "service_areas": [
                    {"id": _derived_id(service.uuid, f"area:{d.pk}"), "service_id": service_id, "name": d.name}
                    for d in service.service_districts.all()
                ],
                "languages": [
                    {"id": _derived_id(service.uuid, f"language:{code}"), "service_id": service_id, "code": code}
                    for code in service.languages
                ],
                "service_at_locations": service_at_locations,
            }
        )
    )
    return data


def organization_full(
    organisation: DirectoryOrganisation, services: list[Service], *, areas: TownAreas
) -> dict[str, Any]:
    """An organization with its services, fully nested (schema/compiled/organization.json)."""
    data = organization_brief(organisation)
    full = [service_full(s, areas=areas) for s in services]
    locations: dict[str, dict[str, Any]] = {}
    for service in full:
        for sal in service.get("service_at_locations", []):
            locations.setdefault(sal["location_id"], sal["location"])
    data.update(_clean({"services": full, "locations": list(locations.values())}))
    return data


def directory_export(services: list[Service]) -> list[dict[str, Any]]:
    """The whole public directory: every organization with its published services and their locations."""
    areas = TownAreas()
    by_org: dict[int, list[Service]] = {}
    orgs: dict[int, DirectoryOrganisation] = {}
    for service in services:
        by_org.setdefault(service.organisation_id, []).append(service)
        orgs[service.organisation_id] = service.organisation
    return [organization_full(orgs[pk], by_org[pk], areas=areas) for pk in sorted(orgs, key=lambda pk: orgs[pk].name)]
