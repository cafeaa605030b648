"""The roster map (mounted at /roster/ inside the "roster" namespace set in urls.py)."""

from django.urls import path

from tsunagu.roster import views_map

urlpatterns = [
    path("map/", views_map.roster_map_view, name="map"),
    path("map/data.json", views_map.roster_map_data_view, name="map_data"),
]
