"""JSON API routes of the watch-over app (mounted under /api/ by config/urls.py, in the "api" namespace). IDs in the
path are taken as text so that a malformed one still reaches the selector or service, 404 and is logged."""

from django.urls import path

from tsunagu.watch import api

api_urlpatterns = [
    path("watch/assignments/", api.WatchListApi.as_view(), name="watch-assignment-list"),
    path("watch/persons/<str:person_id>/visits/", api.PersonVisitsApi.as_view(), name="watch-person-visits"),
    path("watch/visits/", api.VisitCreateApi.as_view(), name="watch-visit-create"),
    path("watch/escalations/", api.EscalationInboxApi.as_view(), name="watch-escalation-list"),
    path(
        "watch/escalations/<str:escalation_id>/acknowledge/",
        api.EscalationAcknowledgeApi.as_view(),
        name="watch-escalation-acknowledge",
    ),
    path(
        "watch/escalations/<str:escalation_id>/close/",
        api.EscalationCloseApi.as_view(),
        name="watch-escalation-close",
    ),
]
