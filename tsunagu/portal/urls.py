from django.urls import path

from tsunagu.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    # The combined map: listed persons, shelters and (for professionals) supporter candidates.
    path("map/", views.roster_map_view, name="map"),
    path("map/data.json", views.roster_map_data_view, name="map_data"),
]
