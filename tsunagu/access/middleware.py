from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tsunagu.access.policy import attach_viewer


class RequestViewerMiddleware:
    """One Viewer per request: the navigation, the page and its selectors share one reading of the user's
    memberships and agreements. Placed after authentication (and django-otp, which wraps request.user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            attach_viewer(user)
        return self.get_response(request)
