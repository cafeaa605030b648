"""JSON API routes of the cases app (mounted under /api/ by config/urls.py, in the "api" namespace)."""

from django.urls import path

from tsunagu.cases import api

api_urlpatterns = [
    path("cases/", api.CaseListApi.as_view(), name="cases-list"),
    path("cases/referrals/", api.ReferralListApi.as_view(), name="cases-referral-list"),
    path(
        "cases/referrals/<str:referral_id>/transition/",
        api.ReferralTransitionApi.as_view(),
        name="cases-referral-transition",
    ),
    path("cases/<str:case_id>/", api.CaseDetailApi.as_view(), name="cases-detail"),
]
