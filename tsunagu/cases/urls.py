from django.urls import path

from tsunagu.cases import views
from tsunagu.cases.api_urls import api_urlpatterns
from tsunagu.cases.views import figures, outreach

app_name = "cases"
urlpatterns = [
    path("", views.my_cases_view, name="mine"),
    path("shared/", views.shared_cases_view, name="shared"),
    path("referrals/", views.referrals_view, name="referrals"),
    path("notices/", views.notices_view, name="notices"),
    path("new/", views.case_new_view, name="new"),
    path("approvals/", views.approvals_view, name="approvals"),
    # Support conferences (before "<case_id>/", which would take "conferences" for an id).
    path("conferences/", views.conferences_view, name="conferences"),
    path("conferences/new/", views.conference_new_view, name="conference_new"),
    path("conferences/tasks/<str:task_id>/status/", views.task_status_view, name="task_status"),
    path("conferences/<str:conference_id>/", views.conference_view, name="conference"),
    path("conferences/<str:conference_id>/pdf/", views.conference_pdf_view, name="conference_pdf"),
    path(
        "conferences/<str:conference_id>/participants/<str:participant_id>/acknowledge/",
        views.acknowledge_view,
        name="acknowledge",
    ),
    path("conferences/<str:conference_id>/minutes/<str:item_id>/", views.minutes_view, name="minutes"),
    path(
        "conferences/<str:conference_id>/decisions/<str:decision_id>/apply/",
        views.apply_decision_view,
        name="apply_decision",
    ),
    path(
        "conferences/<str:conference_id>/<slug:action>/", views.conference_action_view, name="conference_action"
    ),
    path("outreach/", outreach.outreach_list_view, name="outreach"),
    path("outreach/new/", outreach.outreach_new_view, name="outreach_new"),
    path("outreach/<str:item_id>/", outreach.outreach_item_view, name="outreach_item"),
    path("outreach/<str:item_id>/action/", outreach.outreach_action_view, name="outreach_action"),
    path("dashboard/", figures.dashboard_view, name="dashboard"),
    path("area/", figures.area_view, name="area"),
    path("area/export/", figures.area_export_view, name="area_export"),
    # IDs as text: a malformed or guessed one still reaches the team check, 404 and is logged.
    path("from-escalation/<str:escalation_id>/", views.from_escalation_view, name="from_escalation"),
    path("<str:case_id>/", views.case_view, name="case"),
    path("<str:case_id>/consent/", views.case_consent_view, name="consent"),
    path("<str:case_id>/timeline/", figures.case_timeline_view, name="timeline"),
    path("<str:case_id>/team/", views.case_team_view, name="team"),
    path("<str:case_id>/refer/", views.case_referral_view, name="refer"),
    path("<str:case_id>/plan/", views.plan_view, name="plan"),
    path("<str:case_id>/plan/pdf/", views.plan_pdf_view, name="plan_pdf"),
    path("<str:case_id>/plan/<slug:action>/", views.plan_action_view, name="plan_action"),
    path("referrals/<str:referral_id>/", views.referral_view, name="referral"),
    path("referrals/<str:referral_id>/attachments/<str:attachment_id>/", views.attachment_view, name="attachment"),
]

__all__ = ["api_urlpatterns", "app_name", "urlpatterns"]
