"""Telling the person who raised the concern (a 民生委員, a watcher) that support started or ended: the kind and
the date, never the case's content. Once per case and kind."""

from __future__ import annotations

from ..models import Case, NoticeKind, RaiserNotice


def notify_raiser(case: Case, kind: NoticeKind) -> RaiserNotice | None:
    """The notice for the case's raiser (None when nobody raised it through tsunagu)."""
    if case.raised_by_id is None:
        return None
    notice, _created = RaiserNotice.objects.get_or_create(case=case, recipient_id=case.raised_by_id, kind=kind)
    return notice
