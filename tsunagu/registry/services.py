"""Writes to the resident registry and its area table, with the access policy's say on who may make them.

The import routines themselves live with the data (tsunagu.people.services, tsunagu.areas.services); the
floors below the policy cannot ask it, so every caller that names a user comes through here."""

from typing import Any

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.areas.models import Municipality
from tsunagu.areas.services import AreaImportResult, AreasImportNotAllowed, areas_import
from tsunagu.people.services import ImportNotAllowed, ImportResult, residents_import


def _may_import(user: Any) -> bool:
    # No user: the system itself (the command run on the server without --user).
    return user is None or policy.can(user, Capability.MANAGE_REGISTRY)


def registry_residents_import(*, user: Any = None, **options: Any) -> ImportResult:
    """Import a resident CSV as `user` (see residents_import for the options). Raises ImportNotAllowed for a
    user who may not change the registry, before anything is read."""
    if not _may_import(user):
        raise ImportNotAllowed
    if user is not None:
        # A ward's staff write their own ward's residents only; the system and the city's staff the whole city.
        viewer = policy.viewer_for(user)
        options["town_ids"] = viewer.towns_of_wards(viewer.municipality_ids)
    return residents_import(user=user, **options)


def registry_areas_import(*, user: Any = None, **options: Any) -> AreaImportResult:
    """Import the area table as `user` (see areas_import). Raises AreasImportNotAllowed likewise."""
    if not _may_import(user):
        raise AreasImportNotAllowed
    if user is not None:
        # A ward's staff import their own ward's table, never another ward's.
        viewer = policy.viewer_for(user)
        if options.get("municipality") is None and viewer.ward_id is not None:
            options["municipality"] = Municipality.objects.get(pk=viewer.ward_id)
        elif options.get("municipality") is not None and options["municipality"].pk not in viewer.municipality_ids:
            raise AreasImportNotAllowed
    return areas_import(user=user, **options)
