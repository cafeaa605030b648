"""Issue 7, acceptance 4: the pages under load (`pages_p95_ms_1m`, `pages_throughput_ratio`), PostgreSQL.

A synthetic ward of BENCH_SIZE residents (default 1,000,000; `generate_ward`, then VACUUM ANALYZE) is kept between
runs in the database tsunagu_bench_<size> (1m for a million) and used again while its size, the migrations and the
generator are unchanged (a fingerprint in the database's COMMENT); BENCH_LOAD_FRESH=1 makes a new one.
gunicorn serves it with 3 workers and the production settings (bench/load_settings.py: DEBUG off, HTTPS-only
cookies, TOTP required; the users send the proxy's X-Forwarded-Proto header). locust (headless) then runs:

1. paced: BENCH_LOAD_USERS (100) people — ward officers searching and opening persons, 民生委員 and 町会 opening
   their roster, and everyone the home page and the map — pausing 2–5 s between actions, for BENCH_LOAD_SECONDS
   (60). Key: the p95 of the slowest page, in ms; the run must have no failed request.
2. full: the same mix with no pause, BENCH_LOAD_FULL_USERS (12) users for BENCH_LOAD_FULL_SECONDS (30): pages/s;
3. bare: the same users, each action the bare view of bench/load_urls.py through the same middleware: requests/s.
   Key: full ÷ bare (goal ≥ 0.3).
4. alone: 3 users (one of each kind) with no pause: each page's own time, hardly queued (printed, not a key).

Staff sign in with TOTP codes computed from a known secret of a device the bench gives them (bench officers
bench_officer_<mode>_<n>, members of the ward's welfare office, one device each: a code is accepted once)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import harness

SIZE = int(os.environ.get("BENCH_SIZE", "1000000"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "100"))
FULL_SECONDS = int(os.environ.get("BENCH_LOAD_FULL_SECONDS", "30"))
FULL_USERS = int(os.environ.get("BENCH_LOAD_FULL_USERS", "12"))
# Users start signing in at this rate per second: a hundred PBKDF2 checks at once would queue past a TOTP code's life.
SPAWN_RATE = float(os.environ.get("BENCH_LOAD_SPAWN_RATE", "4"))
WORKERS = 3
SEED = 1
BENCH = Path(__file__).resolve().parent
VAR = harness.ROOT / "var"
SCENARIO = VAR / "bench-load-scenario.json"
OFFICER_PREFIX = "bench_officer_"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
_redis_checked: bool | None = None
# Bench-only secrets: the settings are production's, which refuse to start without them.
BENCH_ENV = {
    "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "TSUNAGU_AUDIT_KEY": "bench-only-audit-key-" + "y" * 40,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SETTINGS_MODULE": "load_settings",
}


def _benchmark_decorator():
    # run.py is usually __main__; imported under its own name it is "run" (then already partly initialised).
    import importlib

    main = sys.modules.get("__main__")
    run = main if hasattr(main, "BENCHMARKS") and hasattr(main, "benchmark") else importlib.import_module("run")
    return run.benchmark


benchmark = _benchmark_decorator()


def size_label(size: int) -> str:
    return f"{size // 1_000_000}m" if size % 1_000_000 == 0 else f"{size // 1000}k" if size % 1000 == 0 else str(size)


@benchmark
def pages_under_load() -> dict[str, float]:
    """100 paced users for 60 s over BENCH_SIZE residents, then the pages' throughput beside a bare view."""
    if not harness.postgres_answers():
        print("  PostgreSQL does not answer at 127.0.0.1:5432: pages_p95_ms_1m skipped")
        return {}
    url = ward_database(SIZE)
    with _settings(url):
        harness.run_worker("load_bench:prepare", url, str(SCENARIO))
    label = size_label(SIZE)
    with gunicorn(url) as host:
        paced = locust(host, "paced", USERS, SECONDS)
        full = locust(host, "full", FULL_USERS, FULL_SECONDS)
        bare = locust(host, "bare", FULL_USERS, FULL_SECONDS)
        alone = locust(host, "alone", 3, FULL_SECONDS)
    _print_pages(paced, f"{paced['users']} paced users, {paced['seconds']:.0f} s")
    _print_pages(alone, "3 users (one of each kind), no pause: each page's own time, hardly any queue")
    failures = sum(p["failures"] for p in paced["pages"].values())
    worst = max(paced["pages"].items(), key=lambda item: item[1]["p95_ms"])
    pages_rate = sum(p["requests"] for p in full["pages"].values()) / full["seconds"]
    bare_rate = sum(p["requests"] for p in bare["pages"].values()) / bare["seconds"]
    print(f"  slowest page under load: {worst[0]} (p95 {worst[1]['p95_ms']:.0f} ms); failed requests: {failures}")
    print(f"  full speed: pages {pages_rate:.1f}/s, bare view {bare_rate:.1f}/s ({FULL_USERS} users)")
    for run in (paced, full, bare):
        for error in run["errors"]:
            print(f"  {run['mode']}: {error['count']}× {error['name']}: {error['error']}")
    suffix = "" if label == "1m" else f"_{label}"
    return {
        f"pages_p95_ms_{label}": round(worst[1]["p95_ms"], 1),
        f"pages_failed_requests_{label}": failures + sum(p["failures"] for p in full["pages"].values()),
        f"pages_throughput_ratio{suffix}": round(pages_rate / bare_rate, 3) if bare_rate else 0.0,
    }


def _print_pages(run: dict, title: str) -> None:
    print(f"  {title}:")
    print(f"    {'page':<10} {'requests':>8} {'failed':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, page in sorted(run["pages"].items(), key=lambda item: -item[1]["p95_ms"]):
        print(
            f"    {name:<10} {page['requests']:>8} {page['failures']:>6} {page['p50_ms']:>8.0f} "
            f"{page['p95_ms']:>8.0f} {page['max_ms']:>8.0f}"
        )


# ---------------------------------------------------------------------------------------------------------
# The cached ward database


def _fingerprint(size: int) -> str:
    """What the kept database was made from: the size and seed, every migration and the generator's code."""
    digest = hashlib.sha256(f"size={size} seed={SEED}".encode())
    sources = sorted((harness.ROOT / "tsunagu").glob("*/migrations/*.py"))
    sources += sorted((harness.ROOT / "tsunagu" / "demo").glob("*.py"))
    for path in sources:
        digest.update(str(path.relative_to(harness.ROOT)).encode())
        digest.update(path.read_bytes())
    return f"tsunagu ward size={size} {digest.hexdigest()[:16]}"


def ward_database(size: int) -> str:
    """The URL of a database holding a synthetic ward of ``size`` residents, made when missing or stale."""
    import psycopg

    name = f"tsunagu_bench_{size_label(size)}"
    url = harness.PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    wanted = _fingerprint(size)
    with psycopg.connect(harness.PG_ADMIN_URL, autocommit=True) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if row is not None and row[0] == wanted and os.environ.get("BENCH_LOAD_FRESH") != "1":
            print(f"  using the kept database {name} ({wanted})", flush=True)
            return url
        print(f"  making {name}: generate_ward --size {size:,} (kept for later runs)", flush=True)
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    shutil.rmtree(_audit_dir(url), ignore_errors=True)
    with _settings(url):
        harness.run_worker("load_bench:generate", url, str(size))
    with psycopg.connect(harness.PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"COMMENT ON DATABASE {name} IS '{wanted}'")
    return url


def generate(size: str) -> dict[str, float]:
    """(worker) generate_ward into the migrated, empty database, then VACUUM ANALYZE."""
    from django.db import connection

    from tsunagu.demo.ward import generate_ward

    started = time.perf_counter()
    summary = generate_ward(size=int(size), seed=SEED, stdout=sys.stdout)
    print(f"  generated {summary.persons:,} persons in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE in {time.perf_counter() - started:.0f} s", flush=True)
    return {}


# ---------------------------------------------------------------------------------------------------------
# The simulated users' accounts and what they look for


def prepare(scenario_path: str) -> dict[str, float]:
    """(worker) Bench officers with TOTP devices, the 民生委員 and 町会 logins, and search terms taken from the
    ward's residents, written to ``scenario_path`` for the locustfile. Old sessions and lockouts are cleared."""
    import datetime

    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.models import Session
    from django.db.models import Max, Min, Q
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tsunagu.accounts.models import User
    from tsunagu.demo.ward import DEMO_PASSWORD, EXTRA_USER_PREFIX
    from tsunagu.organisations.models import Agreement, DataScope, Membership, MembershipRole, OrganisationKind
    from tsunagu.people.models import Person, ResidentStatus

    rng = random.Random(SEED)
    Session.objects.all().delete()
    with contextlib.suppress(Exception):
        from axes.models import AccessAttempt

        AccessAttempt.objects.all().delete()

    # The bench officers join the demo login "ward"'s welfare office (its first, should a city give it several).
    ward = Membership.objects.select_related("organisation").filter(user__username="ward").order_by("pk").first()
    if ward is None:
        raise RuntimeError("the generated ward has no demo login 'ward' (tsunagu/demo/ward.py DEMO_LOGINS)")
    password = make_password(DEMO_PASSWORD)
    officers: dict[str, list[dict[str, str]]] = {}
    for mode, count in (("paced", USERS), ("full", FULL_USERS), ("bare", FULL_USERS), ("alone", 3)):
        officers[mode] = []
        for n in range(count):
            username = f"{OFFICER_PREFIX}{mode}_{n:03d}"
            user, created = User.objects.get_or_create(
                username=username, defaults={"display_name": f"負荷試験 職員{n}", "password": password}
            )
            if created:
                Membership.objects.create(
                    user=user, organisation=ward.organisation, role=MembershipRole.STAFF, started_on=ward.started_on
                )
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
            officers[mode].append({"username": username, "totp_key": device.key})
    today = timezone.localdate()
    commissioners = (
        list(
            Membership.objects.filter(
                organisation__kind=OrganisationKind.MINSEI, user__username__in=["minsei"]
            ).values_list("user__username", flat=True)
        )
        + sorted(
            Membership.objects.filter(
                organisation__kind=OrganisationKind.MINSEI, user__username__startswith=EXTRA_USER_PREFIX
            ).values_list("user__username", flat=True)
        )[:30]
    )
    in_force = Agreement.objects.filter(
        Q(revoked_at__isnull=True), valid_from__lte=today, valid_to__gte=today, data_scopes__contains=[DataScope.ROSTER]
    )
    associations = sorted(
        set(
            Membership.objects.filter(
                organisation__kind=OrganisationKind.NEIGHBOURHOOD, organisation__agreements__in=in_force
            ).values_list("user__username", flat=True)
        )
    )
    associations = (["chonaikai"] if "chonaikai" in associations else []) + [
        u for u in associations if u != "chonaikai"
    ][:20]

    bounds = Person.objects.aggregate(low=Min("pk"), high=Max("pk"))
    picks = [rng.randint(bounds["low"], bounds["high"]) for _ in range(400)]
    persons = list(
        Person.objects.filter(pk__in=picks, status=ResidentStatus.RESIDENT).values(
            "family_name", "given_name", "family_name_kana", "resident_number", "birth_date"
        )[:200]
    )
    searches = []
    for n, p in enumerate(persons):
        kind = n % 5
        if kind == 0:
            searches.append(urlencode({"q": p["family_name_kana"]}))
        elif kind == 1:
            searches.append(urlencode({"q": _hiragana(p["family_name_kana"])}))
        elif kind == 2:
            searches.append(urlencode({"q": f"{p['family_name']} {p['given_name']}"}))
        elif kind == 3:
            searches.append(urlencode({"q": p["resident_number"]}))
        else:
            birth: datetime.date = p["birth_date"]
            searches.append(urlencode({"birth": birth.isoformat()}))
    scenario = {
        "password": DEMO_PASSWORD,
        "officers": officers,
        "commissioners": commissioners,
        "associations": associations,
        "searches": searches,
    }
    Path(scenario_path).write_text(json.dumps(scenario, ensure_ascii=False), encoding="utf-8")
    print(
        f"  users: {sum(len(o) for o in officers.values())} bench officers, {len(commissioners)} 民生委員, "
        f"{len(associations)} 町会; {len(searches)} searches",
        flush=True,
    )
    return {}


def _hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)


# ---------------------------------------------------------------------------------------------------------
# gunicorn and locust


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _audit_dir(database_url: str) -> Path:
    """The audit log's checkpoint files of this database (they follow its chain, so one folder per database)."""
    return VAR / "bench-audit" / database_url.rsplit("/", 1)[1]


def _environment(database_url: str) -> dict[str, str]:
    path = os.pathsep.join([str(harness.ROOT), str(BENCH), os.environ.get("PYTHONPATH", "")])
    audit = str(_audit_dir(database_url))
    # The production layout (docs/deploy.md): the app servers share a Redis cache when there is one.
    redis = {"REDIS_URL": REDIS_URL} if _redis_answers() else {}
    return {
        **os.environ, **BENCH_ENV, **redis,
        "DATABASE_URL": database_url, "PYTHONPATH": path, "TSUNAGU_AUDIT_DIR": audit,
    }  # fmt: skip


def _redis_answers() -> bool:
    """Whether Redis answers at REDIS_URL; its database there is emptied once per run (kept figures of an
    earlier ward must not be read as this one's)."""
    global _redis_checked
    if _redis_checked is None:
        try:
            import redis

            client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
            client.flushdb()
            _redis_checked = True
        except Exception:
            _redis_checked = False
    return _redis_checked


@contextlib.contextmanager
def _settings(database_url: str) -> Iterator[None]:
    """Django workers (harness.run_worker) with the bench's production settings: users made there get the
    production password hasher, so signing in costs what it costs in production."""
    saved = dict(os.environ)
    os.environ.update(_environment(database_url))
    _audit_dir(database_url).mkdir(parents=True, exist_ok=True)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def gunicorn(database_url: str) -> Iterator[str]:
    """gunicorn with WORKERS sync workers (docs/deploy.md) on a free port; yields its address."""
    environment = _environment(database_url)
    _audit_dir(database_url).mkdir(parents=True, exist_ok=True)
    shutil.rmtree(VAR / "bench-static", ignore_errors=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=harness.ROOT,
        env=environment,
        check=True,
    )
    port = _free_port()
    log = (VAR / "bench-gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(WORKERS),
            "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--graceful-timeout", "5",
        ],
        cwd=harness.ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    host = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(host, server)
        print(f"  gunicorn ({WORKERS} workers, production settings) at {host}", flush=True)
        yield host
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        errors = [line for line in (VAR / "bench-gunicorn.log").read_text().splitlines() if "Error" in line]
        if errors:
            print(f"  gunicorn logged {len(errors)} error lines (var/bench-gunicorn.log), e.g. {errors[0][:200]}")


def _wait_until_up(host: str, server: subprocess.Popen) -> None:
    request = urllib.request.Request(host + "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    for _ in range(120):
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped; see var/bench-gunicorn.log")
        with contextlib.suppress(OSError):  # URLError, refused, timed out
            with urllib.request.urlopen(request, timeout=30) as response:
                if response.status == 200:
                    return
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within 60 s")


def locust(
    host: str,
    mode: str,
    users: int,
    seconds: int,
    *,
    locustfile: Path = BENCH / "load_locustfile.py",
    scenario: Path = SCENARIO,
    spawn_rate: float = SPAWN_RATE,
    name: str = "load",
    extra_env: dict[str, str] | None = None,
) -> dict:
    """One headless locust run; returns the measured window's figures (see load_locustfile.py). Another bench's
    locustfile (safety_bench.py) takes the same BENCH_LOAD_* variables and writes var/bench-<name>-<mode>.json."""
    out = VAR / f"bench-{name}-{mode}.json"
    out.unlink(missing_ok=True)
    environment = {
        **os.environ,
        "BENCH_LOAD_SCENARIO": str(scenario),
        "BENCH_LOAD_MODE": mode,
        "BENCH_LOAD_SECONDS": str(seconds),
        "BENCH_LOAD_USERS": str(users),
        "BENCH_LOAD_OUT": str(out),
        **(extra_env or {}),
    }
    # Signing in (PBKDF2, then TOTP) is outside the window; allow it a generous time before the window's own.
    limit = int(seconds + 120 + users * 2 + users / spawn_rate)
    print(f"  locust: {users} users, {mode}, {seconds} s", flush=True)
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(locustfile), "--headless",
            "--users", str(users), "--spawn-rate", str(spawn_rate), "--host", host, "--run-time", f"{limit}s",
            "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
        ],
        cwd=harness.ROOT, env=environment, check=False, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    if not out.exists():
        raise RuntimeError(f"locust ({mode}) wrote no figures: the users could not all sign in")
    return json.loads(out.read_text(encoding="utf-8"))
