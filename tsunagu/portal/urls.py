from django.urls import path

from tsunagu.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    # The combined map: listed persons, shelters and (for professionals) supporter candidates.
    path("map/", views.roster_map_view, name="map"),
    path("map/data.json", views.roster_map_data_view, name="map_data"),
    # What the page uses: compact points for the area in view, one marker's details on click.
    path("map/points.json", views.roster_map_points_view, name="map_points"),
    path("map/persons/<str:person_id>.json", views.roster_map_marker_view, name="map_marker"),
]
