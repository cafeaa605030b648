from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    # Public: anyone, without signing in.
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    # The volunteer's own page (signed in as the volunteer), for a phone.
    path("me/", views.my_page, name="me"),
    path("me/matches/<int:pk>/answer/", views.respond, name="respond"),
    path("me/matches/<int:pk>/activity/", views.match_activity, name="activity"),
    # The volunteer centre (社協, the ward's welfare section).
    path("manage/", views.manage, name="manage"),
    path("manage/<int:pk>/", views.volunteer_detail, name="volunteer"),
    path("manage/insurance/", views.insurance, name="insurance"),
    path("needs/", views.needs, name="needs"),
    path("needs/new/", views.need_new, name="need_create"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("report/", views.report, name="report"),
]
