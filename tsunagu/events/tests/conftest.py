import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tsunagu.events.models import Article, EventKind, audiences_for
from tsunagu.testing.events import make_event


@pytest.fixture
def events(ward) -> SimpleNamespace:
    salon = make_event(ward)
    draft = make_event(ward, title="下書きの講座", is_published=False)
    children = make_event(
        ward, title="こども夏まつり", kind=EventKind.FESTIVAL, district=ward.districts.b, capacity=None
    )
    children.audiences.set(audiences_for(["children", "parenting"]))
    article = Article.objects.create(
        title="防災マップを配布します",
        body="区役所の窓口で配布しています。",
        is_published=True,
        published_at=timezone.now() - datetime.timedelta(days=1),
        organisation=ward.orgs.ward_office,
    )
    return SimpleNamespace(salon=salon, draft=draft, children=children, article=article)
