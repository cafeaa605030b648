"""Simulated supporters for bench/safety_bench.py (run by locust, headless; not a module Django imports).

Each supporter holds an API token (a member of the bench's 消防, to whom the disaster event opens every listed
person) and POSTs safety reports as the phone page does: JSON {event_id, person_id, status, observed_at,
client_id} with `Authorization: Token <key>`. BENCH_SAFETY_RESEND (5 %) of the posts send again a report this
supporter already had acknowledged — the same body and client_id, as an offline queue resends — and expect 200;
new reports expect 201.

Supporters start at the spawn rate and post from their start (a warm-up); when all have started the statistics
are reset and the measured window of BENCH_LOAD_SECONDS begins. At its end the window's figures are taken, the
requests still on their way are let finish (so that every report sent has its answer), and two files are written:
BENCH_LOAD_OUT (the window's figures) and BENCH_SAFETY_IDS (every client_id sent during the whole run, and those
the server acknowledged with 201 or 200), which the bench compares with the database.

BENCH_LOAD_MODE:
- paced: supporters as people are — a pause of BENCH_SAFETY_PAUSE seconds (e.g. "2-5") between reports;
- full: the same supporters with no pause (the reports' throughput);
- bare: the same supporters and bodies with no pause, posted to /api/bench-bare/ (the stack's throughput)."""

from __future__ import annotations

import collections
import datetime
import itertools
import json
import os
import random
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import gevent
import gevent.event
from locust import FastHttpUser, between, constant, events, task

SCENARIO = json.loads(Path(os.environ["BENCH_LOAD_SCENARIO"]).read_text(encoding="utf-8"))
MODE = os.environ.get("BENCH_LOAD_MODE", "full")
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
USERS = int(os.environ["BENCH_LOAD_USERS"])
OUT = Path(os.environ["BENCH_LOAD_OUT"])
IDS_OUT = Path(os.environ["BENCH_SAFETY_IDS"])
RESEND = float(os.environ.get("BENCH_SAFETY_RESEND", "0.05"))
_low, _high = (float(s) for s in os.environ.get("BENCH_SAFETY_PAUSE", "2-5").split("-"))
PAUSE = between(_low, _high) if MODE == "paced" else constant(0)
PATH = "/api/bench-bare/" if MODE == "bare" else "/api/disaster/reports/"
STATUSES = ("safe", "evacuated", "needs_help", "injured", "unreachable", "absent", "hospital")
JST = ZoneInfo("Asia/Tokyo")
# A request still unanswered this long after the window is given up (counted as unanswered).
DRAIN_SECONDS = 60

_tokens = itertools.cycle(SCENARIO["tokens"])
_started = 0
_all_started = gevent.event.Event()
_stopping = False
_in_flight = 0
_window: dict[str, float] = {}
_sent: set[str] = set()
_acked: set[str] = set()
_statuses: collections.Counter[str] = collections.Counter()  # "report 201" → count, in the window


def _measure_window(environment) -> None:
    global _stopping
    environment.stats.reset_all()
    _statuses.clear()
    _window["start"] = time.time()
    gevent.sleep(SECONDS)
    _window["end"] = time.time()
    figures = _figures(environment)
    _stopping = True  # no new request from here on
    for _ in range(DRAIN_SECONDS * 20):
        if _in_flight == 0:
            break
        gevent.sleep(0.05)
    figures["unanswered_after_window"] = _in_flight
    OUT.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    IDS_OUT.write_text(json.dumps({"sent": sorted(_sent), "acked": sorted(_acked)}), encoding="utf-8")
    environment.runner.quit()


def _figures(environment) -> dict:
    total = environment.stats.total
    by_name = {
        name: {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p99_ms": entry.get_response_time_percentile(0.99),
        }
        for (name, _method), entry in environment.stats.entries.items()
        if entry.num_requests
    }
    errors = [
        {"name": e.name, "error": str(e.error)[:300], "count": e.occurrences} for e in environment.stats.errors.values()
    ]
    return {
        "mode": MODE,
        "seconds": _window["end"] - _window["start"],
        "users": USERS,
        "requests": total.num_requests,
        "failures": total.num_failures,
        "p50_ms": total.get_response_time_percentile(0.5) if total.num_requests else 0,
        "p99_ms": total.get_response_time_percentile(0.99) if total.num_requests else 0,
        "max_ms": total.max_response_time or 0,
        "by_name": by_name,
        "statuses": dict(_statuses),
        "errors": errors,
    }


class Supporter(FastHttpUser):
    wait_time = PAUSE
    network_timeout = 90.0
    connection_timeout = 90.0

    def on_start(self) -> None:
        global _started
        self.headers = {
            "Authorization": f"Token {next(_tokens)}",
            "X-Forwarded-Proto": "https",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self.mine: list[str] = []  # the bodies of this supporter's acknowledged reports, as sent
        _started += 1
        if _started == USERS:
            _all_started.set()
            gevent.spawn(_measure_window, self.environment)

    @task
    def report(self) -> None:
        global _in_flight
        if _stopping:
            gevent.sleep(DRAIN_SECONDS * 2)  # the run is over; locust stops this supporter
            return
        if self.mine and random.random() < RESEND:
            body, name, expected = random.choice(self.mine), "resend", 201 if MODE == "bare" else 200
        else:
            client_id = str(uuid.uuid4())
            body = json.dumps(
                {
                    "event_id": SCENARIO["event_id"],
                    "person_id": random.choice(SCENARIO["person_ids"]),
                    "status": random.choice(STATUSES),
                    "observed_at": datetime.datetime.now(JST).isoformat(timespec="seconds"),
                    "client_id": client_id,
                }
            )
            name, expected = "report", 201
            _sent.add(client_id)
        _in_flight += 1
        try:
            with self.client.post(PATH, data=body, headers=self.headers, name=name, catch_response=True) as response:
                _statuses[f"{name} {response.status_code}"] += 1
                if response.status_code == expected:
                    if name == "report":
                        _acked.add(json.loads(body)["client_id"])
                        self.mine.append(body)
                    response.success()
                else:
                    text = (response.text or "")[:200] if response.status_code else str(response.error)[:200]
                    response.failure(f"status {response.status_code}: {text}")
        finally:
            _in_flight -= 1


@events.quitting.add_listener
def _no_window(environment, **_kwargs) -> None:
    if "end" not in _window:
        print(f"safety bench: only {_started} of {USERS} supporters had started when locust stopped", flush=True)
