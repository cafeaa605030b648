"""Kinds of recipient a consent may name, and the methods by which a decision reaches the ward."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.organisations.models import OrganisationKind

# The method recorded for decisions entered from reply slips.
BULK_METHOD = "郵送（回答書）"


class RecipientKind(models.TextChoices):
    """Kinds of recipient a consent may name. The first four are OrganisationKind values (the policy compares
    them with the agreement holder's kind); 消防 and 警察 are not organisation kinds (yet)."""

    MINSEI = OrganisationKind.MINSEI.value, _("民生委員")
    NEIGHBOURHOOD = OrganisationKind.NEIGHBOURHOOD.value, _("自治会・町内会")
    DISASTER = OrganisationKind.DISASTER.value, _("自主防災組織")
    SHAKYO = OrganisationKind.SHAKYO.value, _("社会福祉協議会")
    FIRE = "fire", _("消防")
    POLICE = "police", _("警察")


# What staff may type for a kind in the bulk entry (after NFKC, without spaces).
_KIND_ALIASES = {
    "民生委員": RecipientKind.MINSEI,
    "民生委員児童委員": RecipientKind.MINSEI,
    "民児協": RecipientKind.MINSEI,
    "自治会・町内会": RecipientKind.NEIGHBOURHOOD,
    "自治会": RecipientKind.NEIGHBOURHOOD,
    "町内会": RecipientKind.NEIGHBOURHOOD,
    "町会": RecipientKind.NEIGHBOURHOOD,
    "自主防災組織": RecipientKind.DISASTER,
    "自主防災": RecipientKind.DISASTER,
    "社会福祉協議会": RecipientKind.SHAKYO,
    "社協": RecipientKind.SHAKYO,
    "消防": RecipientKind.FIRE,
    "消防署": RecipientKind.FIRE,
    "警察": RecipientKind.POLICE,
    "警察署": RecipientKind.POLICE,
    **{kind.value: kind for kind in RecipientKind},
}

METHOD_CHOICES = [
    (BULK_METHOD, _("郵送（回答書）")),
    ("窓口", _("窓口")),
    ("訪問", _("訪問")),
    ("電話", _("電話")),
    ("その他", _("その他")),
]


def recipient_kinds_text(kinds: Iterable[str]) -> str:
    """Kinds as the model stores them: "|minsei|fire|" in the choices' order; "" for every recipient."""
    chosen = set(kinds)
    ordered = [k.value for k in RecipientKind if k.value in chosen]
    return f"|{'|'.join(ordered)}|" if ordered else ""


def recipient_kinds_labels(stored: str) -> list[str]:
    labels = dict(RecipientKind.choices)
    return [str(labels.get(k, k)) for k in stored.split("|") if k]
