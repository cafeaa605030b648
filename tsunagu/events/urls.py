from django.urls import path

from . import feeds, views

app_name = "events"
urlpatterns = [
    # Public: anyone, without signing in.
    path("", views.event_list, name="list"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/signup/", views.event_signup, name="signup_form"),
    path("<int:pk>/flyer.pdf", views.event_flyer, name="flyer"),
    path("<int:pk>/event.ics", views.event_ics, name="ics"),
    path("signup/<str:token>/", views.signup_status, name="signup"),
    path("calendar.ics", views.calendar_ics, name="calendar"),
    path("feed/rss/", feeds.EventsRss(), name="rss"),
    path("feed/atom/", feeds.EventsAtom(), name="atom"),
    path("news/", views.article_list, name="articles"),
    path("news/<int:article_id>/", views.article_detail, name="article"),
    path("news/feed/rss/", feeds.ArticlesRss(), name="articles_rss"),
    path("news/feed/atom/", feeds.ArticlesAtom(), name="articles_atom"),
    # Staff: the ward's sections and the organisers' staff.
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.event_edit, name="create"),
    path("manage/<int:pk>/", views.event_edit, name="edit"),
    path("manage/<int:pk>/signups/", views.event_signups, name="signups"),
    path("manage/news/new/", views.article_edit, name="article_create"),
    path("manage/news/<int:article_id>/", views.article_edit, name="article_edit"),
    path("manage/<int:pk>/translation/", views.translation_edit, {"kind": "event"}, name="translation"),
    path(
        "manage/news/<int:article_id>/translation/",
        views.translation_edit,
        {"kind": "article"},
        name="article_translation",
    ),
]
