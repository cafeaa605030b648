"""Reads of the portal: the home page's overview and the combined map."""

from .home import AccessOverview, WardCounts, access_overview
from .map_points import BBox, RosterMapMarker, RosterMapPoints, roster_map_marker, roster_map_points
from .maps import RosterMapData, roster_map_data

__all__ = [
    "AccessOverview",
    "BBox",
    "RosterMapData",
    "RosterMapMarker",
    "RosterMapPoints",
    "WardCounts",
    "access_overview",
    "roster_map_data",
    "roster_map_marker",
    "roster_map_points",
]
