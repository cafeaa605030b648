"""Consent pages, mounted at /people/consent/ (config/urls.py), where the ward's staff have always found them."""

from django.urls import path

from tsunagu.consent import views

app_name = "consent"
urlpatterns = [
    path("", views.consent_index_view, name="index"),
    path("replies/", views.consent_replies_view, name="replies"),
    path("<str:person_id>/", views.consent_person_view, name="person"),
]
