"""The project's URLs plus one API view guarded by VerifiedStaffForSession alone, for the permission tests."""

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urlpatterns
from tsunagu.accounts.permissions import VerifiedStaffForSession


class Probe(APIView):
    permission_classes = [VerifiedStaffForSession]

    def get(self, request: Request) -> Response:
        return Response({"user": request.user.get_username()})


urlpatterns = [path("api/probe/", Probe.as_view()), *project_urlpatterns]
