"""Page routes of shelters in an event (避難所の開設・入退所), joined in urls.py. Ids are str, not int: a non-numeric
guess must also reach the policy, 404 and be logged."""

from django.urls import path

from tsunagu.disaster.views import shelters as views

urlpatterns: list = [
    path("events/<str:event_id>/shelters/", views.shelters_view, name="shelters"),
    path("events/<str:event_id>/shelters/open/", views.shelter_open_view, name="shelter_open"),
    path("events/<str:event_id>/shelters/<str:shelter_id>/", views.shelter_view, name="shelter"),
    path("events/<str:event_id>/shelters/<str:shelter_id>/close/", views.shelter_close_view, name="shelter_close"),
    path("events/<str:event_id>/shelters/<str:shelter_id>/arrivals/", views.shelter_arrive_view, name="shelter_arrive"),
    path(
        "events/<str:event_id>/shelters/<str:shelter_id>/arrivals/list/",
        views.shelter_list_check_view,
        name="shelter_list_check",
    ),
    path(
        "events/<str:event_id>/shelters/<str:shelter_id>/arrivals/list/confirm/",
        views.shelter_list_apply_view,
        name="shelter_list_apply",
    ),
    # The stay is named in the form (`stay`), not in the address.
    path("events/<str:event_id>/shelters/<str:shelter_id>/depart/", views.shelter_depart_view, name="shelter_depart"),
]
