"""The ward a signed-in user works in names the pages (the header's 区 name); the settings' ward otherwise
(tsunagu.core.context_processors.site, listed before this one, for anonymous pages)."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tsunagu.access.policy import viewer_for


def ward(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def name() -> str:
        # Lazy: read only when a template prints it, from the memberships the page reads anyway.
        municipality = viewer_for(user).ward
        return municipality.name if municipality is not None else settings.TSUNAGU_WARD_NAME

    return {"ward_name": SimpleLazyObject(name)}
