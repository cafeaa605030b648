from .funded import directory_funded_view
from .manage import (
    location_edit_view,
    manage_list_view,
    service_check_view,
    service_create_view,
    service_edit_view,
)
from .public import (
    directory_detail_view,
    directory_district_pdf_view,
    directory_index_view,
    directory_map_data_view,
    directory_map_view,
    directory_search_view,
)

__all__ = [
    "directory_detail_view",
    "directory_district_pdf_view",
    "directory_funded_view",
    "directory_index_view",
    "directory_map_data_view",
    "directory_map_view",
    "directory_search_view",
    "location_edit_view",
    "manage_list_view",
    "service_check_view",
    "service_create_view",
    "service_edit_view",
]
