from django.urls import path

from tsunagu.evacuation import api, views

app_name = "evacuation"
urlpatterns = [
    path("plans/", views.plan_list_view, name="plan_list"),
    path("plans/progress/", views.plan_progress_view, name="plan_progress"),
    path("plans/<str:person_id>/", views.plan_detail_view, name="plan_detail"),
    path("plans/<str:person_id>/pdf/", views.plan_pdf_view, name="plan_pdf"),
    path("plans/<str:person_id>/supporters/new/", views.plan_supporter_row_view, name="plan_supporter_row"),
    path("matching/", views.proposal_list_view, name="matching_proposals"),
    path("matching/run/", views.matching_run_view, name="matching_run"),
    # A str, not an int: a non-numeric guess must also reach the service, 404 and be logged.
    path("matching/<str:proposal_id>/confirm/", views.proposal_confirm_view, name="matching_confirm"),
    path("matching/<str:proposal_id>/reject/", views.proposal_reject_view, name="matching_reject"),
]

# Mounted under /api/ in the "api" namespace (config/urls.py). The person id is taken as text so that a malformed
# one still reaches the selector, 404 and is logged.
api_urlpatterns = [
    path("evacuation/plans/", api.PlanListApi.as_view(), name="plan-list"),
    path("evacuation/plans/<str:person_id>/", api.PlanDetailApi.as_view(), name="plan-detail"),
]
