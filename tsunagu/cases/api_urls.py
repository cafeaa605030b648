"""JSON API routes of the cases app (mounted under /api/ by config/urls.py, in the "api" namespace)."""

from django.urls import path

from tsunagu.cases import api, api_outreach, conference_api

api_urlpatterns = [
    path("cases/", api.CaseListApi.as_view(), name="cases-list"),
    path("cases/referrals/", api.ReferralListApi.as_view(), name="cases-referral-list"),
    path(
        "cases/referrals/<str:referral_id>/transition/",
        api.ReferralTransitionApi.as_view(),
        name="cases-referral-transition",
    ),
    # Conferences before "cases/<case_id>/", which would take "conferences" for an id.
    path("cases/conferences/", conference_api.ConferenceListApi.as_view(), name="cases-conference-list"),
    path("cases/conferences/tasks/", conference_api.TaskListApi.as_view(), name="cases-conference-task-list"),
    path(
        "cases/conferences/tasks/<str:task_id>/status/",
        conference_api.TaskStatusApi.as_view(),
        name="cases-conference-task-status",
    ),
    path(
        "cases/conferences/<str:conference_id>/",
        conference_api.ConferenceDetailApi.as_view(),
        name="cases-conference-detail",
    ),
    path(
        "cases/conferences/<str:conference_id>/agenda/",
        conference_api.ConferenceAgendaApi.as_view(),
        name="cases-conference-agenda",
    ),
    path(
        "cases/conferences/<str:conference_id>/decisions/",
        conference_api.ConferenceDecisionApi.as_view(),
        name="cases-conference-decisions",
    ),
    path(
        "cases/conferences/<str:conference_id>/tasks/",
        conference_api.ConferenceTaskApi.as_view(),
        name="cases-conference-tasks",
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
