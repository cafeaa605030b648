"""Shelter pages and map."""

from .shelters import (
    PAGE_SIZE,
    shelter_detail_view,
    shelter_list_view,
    shelter_map_data_view,
    shelter_map_view,
    shelter_welfare_view,
)

__all__ = [
    "PAGE_SIZE",
    "shelter_detail_view",
    "shelter_list_view",
    "shelter_map_data_view",
    "shelter_map_view",
    "shelter_welfare_view",
]
