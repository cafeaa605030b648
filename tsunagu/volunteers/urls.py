from django.urls import path

from . import api, views

app_name = "volunteers"
urlpatterns = [
    # Public: anyone, without signing in.
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    # The volunteer's own page (signed in as the volunteer), for a phone.
    path("me/", views.my_page, name="me"),
    path("me/matches/<int:match_id>/answer/", views.respond, name="respond"),
    path("me/matches/<int:match_id>/activity/", views.match_activity, name="activity"),
    # The volunteer centre (社協, the ward's welfare section).
    path("manage/", views.manage, name="manage"),
    path("manage/<int:volunteer_id>/", views.volunteer_detail, name="volunteer"),
    path("manage/insurance/", views.insurance, name="insurance"),
    path("needs/", views.needs, name="needs"),
    path("needs/new/", views.need_new, name="need_create"),
    path("needs/<int:need_id>/", views.need_detail, name="need"),
    path("needs/<int:need_id>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:need_id>/matches/<int:match_id>/activity/", views.need_activity, name="need_activity"),
    path("report/", views.report, name="report"),
    # Training (研修): courses, sessions and attendance, completions.
    path("training/", views.courses, name="courses"),
    path("training/new/", views.course_new, name="course_create"),
    path("training/completions/", views.completions, name="completions"),
    path("training/<int:course_id>/", views.course_detail, name="course"),
    path("training/<int:course_id>/lacking/", views.course_lacking, name="course_lacking"),
    path("training/sessions/<int:session_id>/", views.session_detail, name="training_session"),
    # Grants to local activities (つながり応援補助金): the public calls and form (no sign-in), the centre's pages.
    path("grants/", views.grant_calls_public, name="grant_calls_public"),
    path("grants/<int:call_id>/apply/", views.grant_apply, name="grant_apply"),
    path("grants/apply/done/", views.grant_apply_done, name="grant_apply_done"),
    path("grants/manage/", views.grants, name="grants"),
    path("grants/manage/<int:call_id>/", views.grant_call, name="grant_call"),
    path("grants/applications/<int:application_id>/", views.grant_application, name="grant_application"),
    path("grants/applications/<int:application_id>/photos/<int:photo_id>/", views.grant_photo, name="grant_photo"),
    # Member-to-member services with hours (住民参加型サービス), for the same centre.
    path("services/", views.services, name="services"),
    path("services/schemes/<int:scheme_id>/", views.service_scheme, name="service_scheme"),
    path("services/members/<int:member_id>/", views.service_member, name="service_member"),
    path("services/members/<int:member_id>/statement/", views.service_statement, name="service_statement"),
    path("services/members/<int:member_id>/statement/pdf/", views.service_statement_pdf, name="service_statement_pdf"),
    path("services/requests/", views.service_requests, name="service_requests"),
    path("services/requests/<int:request_id>/", views.service_request, name="service_request"),
]

# JSON API (mounted under /api/ by config/urls.py, in the "api" namespace).
api_urlpatterns = [
    path("volunteers/", api.VolunteerListApi.as_view(), name="volunteers-list"),
    path("volunteers/needs/", api.NeedListApi.as_view(), name="volunteers-need-list"),
    path("volunteers/training/courses/", api.CourseListApi.as_view(), name="volunteers-course-list"),
    path("volunteers/training/completions/", api.CompletionListApi.as_view(), name="volunteers-completion-list"),
    path("volunteers/needs/<str:need_id>/", api.NeedDetailApi.as_view(), name="volunteers-need-detail"),
    path("volunteers/needs/<str:need_id>/matches/", api.NeedProposeApi.as_view(), name="volunteers-need-propose"),
    path("volunteers/me/matches/", api.MyMatchListApi.as_view(), name="volunteers-my-matches"),
    path("volunteers/me/matches/<str:match_id>/answer/", api.MyMatchAnswerApi.as_view(), name="volunteers-my-answer"),
    path(
        "volunteers/services/members/<str:member_id>/ledger/",
        api.ServiceLedgerApi.as_view(),
        name="volunteers-service-ledger",
    ),
    path(
        "volunteers/me/matches/<str:match_id>/activity/",
        api.MyMatchActivityApi.as_view(),
        name="volunteers-my-activity",
    ),
]
