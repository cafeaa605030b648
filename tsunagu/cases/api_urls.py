"""JSON API routes of the cases app (mounted under /api/ by config/urls.py, in the "api" namespace)."""

from django.urls import path

from tsunagu.cases import api, api_outreach

api_urlpatterns = [
    path("cases/", api.CaseListApi.as_view(), name="cases-list"),
    path("cases/referrals/", api.ReferralListApi.as_view(), name="cases-referral-list"),
    path(
        "cases/referrals/<str:referral_id>/transition/",
        api.ReferralTransitionApi.as_view(),
        name="cases-referral-transition",
    ),
    path("cases/outreach/", api_outreach.OutreachListApi.as_view(), name="cases-outreach-list"),
    path("cases/outreach/<str:item_id>/", api_outreach.OutreachDetailApi.as_view(), name="cases-outreach-detail"),
    path(
        "cases/outreach/<str:item_id>/action/",
        api_outreach.OutreachActionApi.as_view(),
        name="cases-outreach-action",
    ),
    path("cases/dashboard/", api_outreach.DashboardApi.as_view(), name="cases-dashboard"),
    path("cases/area/", api_outreach.AreaIssuesApi.as_view(), name="cases-area"),
    path("cases/<str:case_id>/timeline/", api_outreach.CaseTimelineApi.as_view(), name="cases-timeline"),
    path("cases/<str:case_id>/", api.CaseDetailApi.as_view(), name="cases-detail"),
]
