"""API token authentication that, like RequestViewerMiddleware for the pages, gives the request's user one Viewer:
a token is read by DRF inside the view, after the middleware ran for an anonymous user, so without this every
policy call of an API request would read the user's memberships and agreements anew."""

from rest_framework.request import Request

from tsunagu.accounts.authentication import ApiTokenAuthentication

from .policy import attach_viewer


class ViewerApiTokenAuthentication(ApiTokenAuthentication):
    def authenticate(self, request: Request) -> tuple | None:
        result = super().authenticate(request)
        if result is not None:
            attach_viewer(result[0])
        return result
