from django.urls import path

from tsunagu.evacuation import views_matching

urlpatterns = [
    path("matching/", views_matching.proposal_list_view, name="matching_proposals"),
    path("matching/run/", views_matching.matching_run_view, name="matching_run"),
    # A str, not an int: a non-numeric guess must also reach the service, 404 and be logged.
    path("matching/<str:proposal_id>/confirm/", views_matching.proposal_confirm_view, name="matching_confirm"),
    path("matching/<str:proposal_id>/reject/", views_matching.proposal_reject_view, name="matching_reject"),
]
