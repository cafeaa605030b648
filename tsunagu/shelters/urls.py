from django.urls import path

from tsunagu.shelters import api, views

app_name = "shelters"
urlpatterns = [
    path("", views.shelter_list_view, name="list"),
    path("map/", views.shelter_map_view, name="map"),
    path("map/data.json", views.shelter_map_data_view, name="map_data"),
    path("<int:shelter_id>/", views.shelter_detail_view, name="detail"),
    path("<int:shelter_id>/welfare/", views.shelter_welfare_view, name="welfare"),
]

# Mounted under /api/ in the "api" namespace (config/urls.py). The ID is taken as text so that a malformed one is
# answered like an unknown one: 404 in JSON.
api_urlpatterns = [
    path("shelters/", api.ShelterListApi.as_view(), name="shelter-list"),
    path("shelters/<str:shelter_id>/", api.ShelterDetailApi.as_view(), name="shelter-detail"),
]
