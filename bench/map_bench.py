"""Issue 7, item 8: the roster map's data for a district of about 6,000 listed persons (`map_payload_kb_6k`,
goal ≤ 300): a ward made by generate_ward (BENCH_MAP_RESIDENTS, default 65,000 residents, about 6,000 listed),
the ward officer's first request of the map page (every listed person of the ward as compact points, with the
unlocated list), through the real view (SQLite). The old GeoJSON of the same persons is printed beside it."""

from __future__ import annotations

import importlib
import os
import sys
import time
from types import SimpleNamespace

import harness

RESIDENTS = int(os.environ.get("BENCH_MAP_RESIDENTS", "65000"))


def _benchmark_decorator():
    main = sys.modules.get("__main__")
    run = main if hasattr(main, "BENCHMARKS") and hasattr(main, "benchmark") else importlib.import_module("run")
    return run.benchmark


benchmark = _benchmark_decorator()


@benchmark
def map_payload_sqlite() -> dict[str, float]:
    """The roster map's first request for a ward officer over a ward of about 6,000 listed persons."""
    with harness.scratch_sqlite("map") as url:
        return harness.run_worker("map_bench:measure", url)


def _signed_in_client(username: str):
    from django.test import Client
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tsunagu.accounts.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    request = SimpleNamespace(session=client.session, user=user)
    otp_login(request, device)
    request.session.save()
    return client


def measure(*flags: str) -> dict[str, float]:
    from tsunagu.demo.ward import generate_ward

    started = time.perf_counter()
    generate_ward(size=RESIDENTS)
    print(f"  generate_ward --size {RESIDENTS:,}: {time.perf_counter() - started:.1f} s", flush=True)
    client = _signed_in_client("ward")
    response = client.get("/map/points.json", {"unlocated": "1"}, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, response.status_code
    data = response.json()
    persons = len(data["persons"]) + len(data["unlocated"])
    old = client.get("/map/data.json", HTTP_HOST="127.0.0.1")
    kb = len(response.content) / 1024
    print(
        f"  {persons:,} persons ({len(data['unlocated']):,} without a position): {kb:.0f} KB compact, "
        f"{len(old.content) / 1024:.0f} KB as GeoJSON with names (data.json)"
    )
    # Scaled to exactly 6,000 persons, so the figure compares across ward sizes.
    return {"map_payload_kb_6k": round(kb * 6000 / persons, 1)}
