"""Simulated users for bench/load_bench.py (run by locust, headless; not a module Django imports).

Every user signs in through the login form first (staff pass TOTP with a code computed from their device's known
secret); when all of them have signed in, the statistics are reset and the measured window of BENCH_LOAD_SECONDS
begins, so sign-ins (PBKDF2 by design) never count as page time. At the end the figures of the window are written
as JSON to BENCH_LOAD_OUT.

BENCH_LOAD_MODE:
- paced: people as they are — a pause of 2–5 s between actions;
- full: the same actions with no pause (the pages' throughput);
- bare: the same users with no pause, each action the bare view /bench/bare/ (the stack's throughput);
- alone: one user of each kind, no pause (each page's own time)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from pathlib import Path

import gevent
import gevent.event
from locust import FastHttpUser, between, constant, events, task
from locust.exception import StopUser

SCENARIO = json.loads(Path(os.environ["BENCH_LOAD_SCENARIO"]).read_text(encoding="utf-8"))
MODE = os.environ.get("BENCH_LOAD_MODE", "paced")
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
USERS = int(os.environ["BENCH_LOAD_USERS"])
OUT = Path(os.environ["BENCH_LOAD_OUT"])
PAUSE = between(2, 5) if MODE == "paced" else constant(0)
NOT_PAGES = {"login", "login form", "two-factor", "two-factor form"}
SIGN_IN_ATTEMPTS = 3

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERSON_LINK = re.compile(r'href="/people/(\d+)/"')
# The map page's first request for its points (tsunagu/core/static/core/map.js: the viewer's whole scope, with
# the unlocated list; later requests name the area in view).
MAP_URL = re.compile(r'data-points-url="([^"]+)"')

_officers = itertools.cycle(SCENARIO["officers"][MODE])
_commissioners = itertools.cycle(SCENARIO["commissioners"])
_associations = itertools.cycle(SCENARIO["associations"])
_signed_in = 0
_all_signed_in = gevent.event.Event()
_window: dict[str, float] = {}
_last_step: dict[str, int] = {}  # officer → the last TOTP time step used (django-otp accepts a code once)


class SignInError(Exception):
    pass


def _why(response) -> str:
    error = getattr(response, "error", None) or getattr(getattr(response, "_manual_result", None), "error", None)
    return f"status {response.status_code}{f', {error}' if error else ''}"


def totp(hex_key: str, at: float) -> str:
    """RFC 6238 with django-otp's defaults (SHA-1, 30 s steps from 0, 6 digits)."""
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def _measure_window(environment) -> None:
    environment.stats.reset_all()
    _window["start"] = time.time()
    gevent.sleep(SECONDS)
    _window["end"] = time.time()
    _write_figures(environment)
    environment.runner.quit()


def _write_figures(environment) -> None:
    pages = {}
    for (name, _method), entry in environment.stats.entries.items():
        if name in NOT_PAGES or entry.num_requests == 0:
            continue
        pages[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "max_ms": entry.max_response_time,
        }
    errors = [
        {"name": e.name, "error": str(e.error)[:300], "count": e.occurrences} for e in environment.stats.errors.values()
    ]
    figures = {
        "mode": MODE,
        "seconds": _window["end"] - _window["start"],
        "users": USERS,
        "pages": pages,
        "errors": errors,
    }
    OUT.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")


class Person(FastHttpUser):
    abstract = True
    wait_time = PAUSE
    # A page slower than this is an error anyway; gunicorn's own timeout (30 s) answers first.
    network_timeout = 90.0
    connection_timeout = 90.0

    def on_start(self) -> None:
        global _signed_in
        self.https = {"X-Forwarded-Proto": "https", "Referer": f"https://{self.host.split('://', 1)[1]}/"}
        try:
            for attempt in range(SIGN_IN_ATTEMPTS):
                try:
                    self.sign_in()
                    break
                except SignInError as refusal:
                    if attempt == SIGN_IN_ATTEMPTS - 1:
                        raise StopUser(str(refusal)) from None
                    self.client.cookiejar.clear()
                    gevent.sleep(random.uniform(1, 5))  # and try again, as a person would
        finally:
            _signed_in += 1
            if _signed_in == USERS:
                _all_signed_in.set()
                gevent.spawn(_measure_window, self.environment)
        _all_signed_in.wait()
        if MODE == "paced":
            gevent.sleep(random.uniform(0, 5))  # people do not all click in the same second

    # ---- signing in (not page time) ----

    def credentials(self) -> tuple[str, str | None]:
        raise NotImplementedError

    def _post_form(self, path: str, name: str, form_name: str, fields: dict[str, str]) -> str:
        form = self.client.get(path, name=form_name, headers=self.https)
        match = CSRF_INPUT.search(form.text or "")
        if form.status_code != 200 or match is None:
            raise SignInError(f"{path}: no form ({_why(form)})")
        with self.client.post(
            path,
            data={"csrfmiddlewaretoken": match.group(1), **fields},
            name=name,
            headers=self.https,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"status {response.status_code}")
                raise SignInError(f"{path} refused ({_why(response)})")
            return response.headers.get("Location", "")

    def sign_in(self) -> None:
        username, totp_key = self.credentials()
        location = self._post_form(
            "/accounts/login/", "login", "login form", {"username": username, "password": SCENARIO["password"]}
        )
        if "/accounts/two-factor/" in location:
            if totp_key is None:
                raise StopUser(f"{username}: asked for a second factor")
            form = self.client.get("/accounts/two-factor/", name="two-factor form", headers=self.https)
            match = CSRF_INPUT.search(form.text or "")
            if form.status_code != 200 or match is None:
                raise SignInError(f"two-factor: no form ({_why(form)})")
            while int(time.time()) // 30 <= _last_step.get(username, -1):
                gevent.sleep(1)  # this code was used already: wait for the next one, as a person would
            _last_step[username] = int(time.time()) // 30
            fields = {"csrfmiddlewaretoken": match.group(1), "otp_token": totp(totp_key, time.time())}
            with self.client.post(
                "/accounts/two-factor/", data=fields, name="two-factor", headers=self.https,
                allow_redirects=False, catch_response=True,
            ) as response:  # fmt: skip
                if response.status_code != 302:
                    response.failure(f"status {response.status_code}")
                    raise SignInError(f"{username}: code refused ({_why(response)})")

    # ---- pages ----

    def page(self, path: str, name: str, *, htmx: bool = False) -> str:
        if MODE == "bare":
            path, name = "/bench/bare/", "bare"
        headers = {**self.https, "HX-Request": "true"} if htmx else self.https
        with self.client.get(path, name=name, headers=headers, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code} {response.headers.get('Location', '')}")
                return ""
            return response.text or ""

    @task(1)
    def home(self) -> None:
        self.page("/", "home")

    @task(1)
    def map(self) -> None:
        text = self.page("/map/", "map")
        match = MAP_URL.search(text)
        self.page((match.group(1).replace("&amp;", "&") if match else "/map/points.json") + "?unlocated=1", "map data")


class WardOfficer(Person):
    """区役所 保健福祉課: searches and opens persons; now and then the home page and the map."""

    weight = 5

    def credentials(self) -> tuple[str, str | None]:
        officer = next(_officers)
        return officer["username"], officer["totp_key"]

    @task(6)
    def search_and_open(self) -> None:
        query = random.choice(SCENARIO["searches"])
        text = self.page("/people/?" + query, "search", htmx=True)
        found = PERSON_LINK.findall(text)
        for person_id in random.sample(found, min(len(found), random.choice((1, 1, 2)))):
            if MODE == "paced":
                gevent.sleep(random.uniform(2, 5))
            self.page(f"/people/{person_id}/", "person")


class Roster(Person):
    abstract = True

    @task(4)
    def roster(self) -> None:
        page = random.choice((1, 1, 1, 2, 3))
        self.page("/roster/" if page == 1 else f"/roster/?page={page}", "roster")


class Commissioner(Roster):
    """民生委員: their 担当区域's roster (opt-out), home and map."""

    weight = 3

    def credentials(self) -> tuple[str, str | None]:
        return next(_commissioners), None


class Association(Roster):
    """町会 (agreement in force, consent required): their roster, home and map."""

    weight = 2

    def credentials(self) -> tuple[str, str | None]:
        return next(_associations), None


@events.quitting.add_listener
def _no_window(environment, **_kwargs) -> None:
    if "end" not in _window:
        print(f"load bench: only {_signed_in} of {USERS} users had signed in when locust stopped", flush=True)
