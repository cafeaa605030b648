"""Routes of the directory: public pages under /directory/ (no sign-in) and the staff's pages under
/directory/manage/. The HSDS API is mounted under /api/hsds/ by config/urls.py (api_urlpatterns). Entries are
addressed by their public UUID, the id printed in QR codes and used by the HSDS export."""

from django.urls import path

from tsunagu.directory import api, views

app_name = "directory"
urlpatterns = [
    path("", views.directory_index_view, name="index"),
    path("search/", views.directory_search_view, name="search"),
    path("funded/", views.directory_funded_view, name="funded"),
    path("map/", views.directory_map_view, name="map"),
    path("map/data.json", views.directory_map_data_view, name="map_data"),
    path("services/<uuid:service_id>/", views.directory_detail_view, name="detail"),
    path("districts/<int:district_id>/print.pdf", views.directory_district_pdf_view, name="district_pdf"),
    path("manage/", views.manage_list_view, name="manage"),
    path("manage/services/new/", views.service_create_view, name="service_create"),
    path("manage/services/<uuid:service_id>/", views.service_edit_view, name="service_edit"),
    path("manage/services/<uuid:service_id>/check/", views.service_check_view, name="service_check"),
    path("manage/locations/new/", views.location_edit_view, name="location_create"),
    path("manage/locations/<int:location_id>/", views.location_edit_view, name="location_edit"),
]

api_urlpatterns = [
    path("hsds/", api.HsdsRootApi.as_view(), name="hsds-root"),
    path("hsds/services", api.HsdsServiceListApi.as_view(), name="hsds-services"),
    path("hsds/services/<str:service_id>", api.HsdsServiceApi.as_view(), name="hsds-service"),
    path("hsds/export.json", api.HsdsExportApi.as_view(), name="hsds-export"),
]

__all__ = ["api_urlpatterns", "app_name", "urlpatterns"]
