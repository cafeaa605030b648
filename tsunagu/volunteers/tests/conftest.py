from types import SimpleNamespace

import pytest
from django.core.cache import cache

from tsunagu.testing.volunteers import make_need, make_volunteer


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    # The public form's per-address counter lives in the cache, which outlives a test's database.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def centre(ward) -> SimpleNamespace:
    hanako = make_volunteer(ward, username="vol_hanako")
    jiro = make_volunteer(
        ward,
        name="北 次郎",
        name_kana="キタ ジロウ",
        name_key="キタジロウ",
        interests=["talking"],
        weekly_slots=[],
        districts=[ward.districts.b],
        username="vol_jiro",
    )
    need = make_need(ward)
    return SimpleNamespace(hanako=hanako, jiro=jiro, need=need)
