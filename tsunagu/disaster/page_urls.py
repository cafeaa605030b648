"""Page routes of the events and the dashboard (joined in urls.py; each part of the app keeps its own file).

Ids are str, not int: a non-numeric guess must also reach the policy, 404 and be logged."""

from django.urls import path

from tsunagu.disaster.views import dashboard as dashboard_views
from tsunagu.disaster.views import events as event_views

urlpatterns = [
    path("", event_views.events_view, name="events"),
    path("declare/", event_views.event_declare_view, name="declare"),
    path("events/<str:event_id>/", event_views.event_view, name="event"),
    path("events/<str:event_id>/start/", event_views.event_start_view, name="event_start"),
    path("events/<str:event_id>/end/", event_views.event_end_view, name="event_end"),
    path(
        "events/<str:event_id>/persons/<str:person_id>/report/",
        event_views.safety_report_view,
        name="report",
    ),
    path("events/<str:event_id>/dashboard/", dashboard_views.dashboard_view, name="dashboard"),
    path("events/<str:event_id>/dashboard/data/", dashboard_views.dashboard_data_view, name="dashboard_data"),
    path("events/<str:event_id>/dashboard/map.json", dashboard_views.dashboard_map_view, name="dashboard_map"),
]
