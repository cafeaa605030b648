"""Reads of the portal: the home page's overview and the combined map."""

from .home import AccessOverview, WardCounts, access_overview
from .maps import RosterMapData, roster_map_data

__all__ = ["AccessOverview", "RosterMapData", "WardCounts", "access_overview", "roster_map_data"]
