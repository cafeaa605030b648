"""What moves the ACCESS generation on: every save or delete of the rows a Viewer keeps across requests
(memberships, organisations, agreements, their districts, and the 町丁目 of districts and wards). Bulk writers of
these tables call ACCESS.advance themselves (tsunagu.areas.services)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from tsunagu.areas.models import District, Municipality, Town, TownDistrict
from tsunagu.core.generations import ACCESS
from tsunagu.organisations.models import Agreement, Membership, Organisation

_RECORDS = (Membership, Organisation, Agreement, District, Town, TownDistrict, Municipality)
_LINKS = (Membership.districts.through, Organisation.service_districts.through, Agreement.districts.through)


def _changed(sender, using: str | None = None, **kwargs: object) -> None:  # noqa: ANN001
    if str(kwargs.get("action", "post")).startswith("post"):  # an m2m change: once, when it is made
        ACCESS.advance(using)


def connect_access_generation() -> None:
    for model in _RECORDS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"access-generation-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"access-generation-delete-{model.__name__}")
    for link in _LINKS:
        m2m_changed.connect(_changed, sender=link, dispatch_uid=f"access-generation-link-{link.__name__}")
