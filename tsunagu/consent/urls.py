"""Consent pages, mounted at /people/consent/ (config/urls.py), where the ward's staff have always found them."""

from django.urls import path

from tsunagu.consent import api, views

app_name = "consent"
urlpatterns = [
    path("", views.consent_index_view, name="index"),
    path("replies/", views.consent_replies_view, name="replies"),
    path("<str:person_id>/", views.consent_person_view, name="person"),
]

# Mounted under /api/ in the "api" namespace (config/urls.py). The counts before the person: a person id is
# taken as text (so that a malformed one still reaches the selector, 404 and is logged).
api_urlpatterns = [
    path("consent/unanswered/", api.ConsentUnansweredApi.as_view(), name="consent-unanswered"),
    path("consent/<str:person_id>/", api.ConsentPersonApi.as_view(), name="consent-person"),
]
