from django.urls import path

from tsunagu.shelters import views

app_name = "shelters"
urlpatterns = [
    path("", views.shelter_list_view, name="list"),
    path("map/", views.shelter_map_view, name="map"),
    path("map/data.json", views.shelter_map_data_view, name="map_data"),
    path("<int:shelter_id>/", views.shelter_detail_view, name="detail"),
    path("<int:shelter_id>/welfare/", views.shelter_welfare_view, name="welfare"),
]
