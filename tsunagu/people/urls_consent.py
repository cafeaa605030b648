"""Consent pages, spliced into tsunagu/people/urls.py (app "people") before the person detail route."""

from django.urls import path

from tsunagu.people import views_consent

urlpatterns = [
    path("consent/", views_consent.consent_index_view, name="consent"),
    path("consent/replies/", views_consent.consent_replies_view, name="consent_replies"),
    path("consent/<str:person_id>/", views_consent.consent_person_view, name="consent_person"),
]
