from django.urls import path

from . import api, views

app_name = "community"

urlpatterns = [
    path("", views.forum_list, name="list"),
    path("new/", views.forum_new, name="forum_new"),
    path("public/<str:forum_id>/", views.public_summary, name="public"),
    path("issues/<str:issue_id>/", views.issue_detail, name="issue"),
    path("actions/<str:action_id>/", views.action_detail, name="action"),
    path("meetings/<str:meeting_id>/", views.meeting_detail, name="meeting"),
    path("<str:forum_id>/", views.board, name="board"),
    path("<str:forum_id>/figures/", views.figures, name="figures"),
    path("<str:forum_id>/issues/new/", views.issue_new, name="issue_new"),
    path("<str:forum_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<str:forum_id>/members/", views.members, name="members"),
]

api_urlpatterns = [
    path("community/forums/", api.ForumListApi.as_view(), name="community-forum-list"),
    path("community/forums/<str:forum_id>/meetings/", api.MeetingListApi.as_view(), name="community-meeting-list"),
    path("community/forums/<str:forum_id>/issues/", api.IssueListApi.as_view(), name="community-issue-list"),
    path("community/forums/<str:forum_id>/actions/", api.ActionListApi.as_view(), name="community-action-list"),
]
