"""JSON API routes of the disaster app (mounted under /api/ by config/urls.py, in the "api" namespace). IDs in the
path are taken as text so that a malformed one still reaches the selector or service, 404 and is logged."""

from django.urls import path

from tsunagu.disaster import api

api_urlpatterns = [
    path("disaster/events/", api.EventListApi.as_view(), name="disaster-event-list"),
    path("disaster/events/<str:event_id>/persons/", api.EventPersonsApi.as_view(), name="disaster-event-persons"),
    path("disaster/events/<str:event_id>/reports/", api.EventReportsApi.as_view(), name="disaster-event-reports"),
    path("disaster/reports/", api.ReportCreateApi.as_view(), name="disaster-report-create"),
]
