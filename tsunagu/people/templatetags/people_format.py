"""Display helpers for resident pages: 和暦 dates, birth date with age, consent recipients."""

import datetime

from django import template
from django.utils.translation import gettext as _

from tsunagu.core.wareki import age_on, format_wareki, today_jst
from tsunagu.organisations.models import OrganisationKind
from tsunagu.people.models import Person, ResidentStatus, age_reference_day

register = template.Library()


@register.filter
def wareki(day: datetime.date | None) -> str:
    """「昭和15年5月3日」; empty for no date."""
    return format_wareki(day) if day else ""


@register.filter
def birth_with_age(person: Person) -> str:
    """「昭和15年5月3日（86歳）」, or the age at death for a deceased resident."""
    today = today_jst()
    reference = age_reference_day(person, today)
    age = age_on(person.birth_date, reference)
    if person.status == ResidentStatus.DECEASED and reference != today:
        return _("{birth}（死亡時{age}歳）").format(birth=format_wareki(person.birth_date), age=age)
    return _("{birth}（{age}歳）").format(birth=format_wareki(person.birth_date), age=age)


@register.filter
def recipient_kinds(value: str) -> str:
    """「|minsei|neighbourhood|」 → 「民生委員児童委員協議会、自治会・町内会」; empty means every recipient."""
    kinds = [k for k in value.split("|") if k]
    if not kinds:
        return _("すべての提供先")
    labels = dict(OrganisationKind.choices)
    return "、".join(str(labels.get(k, k)) for k in kinds)
