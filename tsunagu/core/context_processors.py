"""Values every page's chrome needs that come from settings alone."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {"ward_name": settings.TSUNAGU_WARD_NAME}
