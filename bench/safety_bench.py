"""Issue 8: safety confirmation (安否確認) under load (item 10) and the live dashboard at city scale (item 8), on
PostgreSQL. Both use the kept synthetic wards of bench/load_bench.py (ward_database: made once, kept while the
migrations and the generator are unchanged) and its gunicorn with the production settings.

1. safety_reports_under_load — a ward of BENCH_SAFETY_SIZE residents (60,000: about 5,400 listed persons). A worker
   declares a disaster event over every 小学校区 (as the demo login "ward") and gives BENCH_SAFETY_USERS (300) bench
   supporters — members of a 消防 ("負荷試験 消防"), to whom the event opens every listed person there — an API
   token each. locust (bench/safety_locustfile.py) then runs three times for BENCH_SAFETY_SECONDS (60) each,
   the supporters starting at BENCH_SAFETY_SPAWN_RATE per second and the window measured once all have started:
   - paced: each supporter POSTs /api/disaster/reports/ with a pause of BENCH_SAFETY_PAUSE s ("2-5") between
     reports, 5 % of them a report they had sent already (same body and client_id: 200 expected, 201 for a new
     one). Keys: safety_p99_ms (of every post in the window);
   - full: the same with no pause: the reports per second the stack sustains;
   - bare: the same supporters and bodies with no pause to /api/bench-bare/ (bench/load_urls.py: a DRF view with
     the project's authentication and permissions and nothing behind them). Key: safety_throughput_ratio =
     full's reports/s ÷ bare's posts/s.
   A worker then compares the event's SafetyReport rows with the client_ids the supporters sent (paced and full
   together): safety_reports_sent (distinct client_ids sent and acknowledged with 201/200),
   safety_reports_stored (rows), safety_duplicates (rows − distinct client_ids, plus client_ids stored twice).
   Goal: stored = sent, 0 duplicates, ratio ≥ 0.5, p99 < 500 ms.
2. safety_dashboard_city — the ward of BENCH_SIZE residents (1,000,000: about 90,000 listed): an event over every
   district of the ward, reports for about half of the listed persons written directly (setup, with their kept
   current statuses), then tsunagu.disaster.selectors.dashboard for the ward officer 20 times and once for a 消防
   member. Keys: safety_dashboard_p95_ms_<size>, safety_dashboard_listed_<size>. Goal < 300 ms; above it the
   slowest query's EXPLAIN ANALYZE is printed."""

from __future__ import annotations

import datetime
import json
import math
import os
import random
import time
from pathlib import Path

import harness
import load_bench

benchmark = load_bench.benchmark

SAFETY_SIZE = int(os.environ.get("BENCH_SAFETY_SIZE", "60000"))
SAFETY_USERS = int(os.environ.get("BENCH_SAFETY_USERS", "300"))
SAFETY_SECONDS = int(os.environ.get("BENCH_SAFETY_SECONDS", "60"))
SAFETY_SPAWN_RATE = float(os.environ.get("BENCH_SAFETY_SPAWN_RATE", "20"))
SAFETY_PAUSE = os.environ.get("BENCH_SAFETY_PAUSE", "2-5")
DASHBOARD_RUNS = 20
DASHBOARD_GOAL_MS = 300
DASHBOARD_BUDGET = float(os.environ.get("BENCH_SAFETY_DASHBOARD_BUDGET", "300"))
SCENARIO = load_bench.VAR / "bench-safety-scenario.json"
LOCUSTFILE = load_bench.BENCH / "safety_locustfile.py"
SUPPORTER_PREFIX = "bench_supporter_"
FIRE_NAME = "負荷試験 消防"
EVENT_PREFIX = "負荷試験"
SEED = 8


@benchmark
def safety_reports_under_load() -> dict[str, float]:
    """300 supporters post safety reports for 60 s (5 % resent); every report stored once; beside a bare API view."""
    if not harness.postgres_answers():
        print("  PostgreSQL does not answer at 127.0.0.1:5432: safety_reports_under_load skipped")
        return {}
    url = load_bench.ward_database(SAFETY_SIZE)
    with load_bench._settings(url):
        harness.run_worker("safety_bench:prepare", url, str(SCENARIO))
    # The figures depend on what else the machine runs: say so beside them.
    print(f"  machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the runs", flush=True)
    runs, id_files = {}, []
    with load_bench.gunicorn(url) as host:
        for mode in ("paced", "full", "bare"):
            ids = load_bench.VAR / f"bench-safety-ids-{mode}.json"
            ids.unlink(missing_ok=True)
            runs[mode] = load_bench.locust(
                host, mode, SAFETY_USERS, SAFETY_SECONDS,
                locustfile=LOCUSTFILE, scenario=SCENARIO, spawn_rate=SAFETY_SPAWN_RATE, name="safety",
                extra_env={"BENCH_SAFETY_IDS": str(ids), "BENCH_SAFETY_PAUSE": SAFETY_PAUSE},
            )  # fmt: skip
            if mode != "bare":
                id_files.append(str(ids))
    with load_bench._settings(url):
        stored = harness.run_worker("safety_bench:check", url, str(SCENARIO), *id_files)
    print(f"  load average {os.getloadavg()[0]:.1f} after the runs")
    rates = {mode: _ok(run) / run["seconds"] for mode, run in runs.items()}
    print(f"  {'run':<6} {'users':>5} {'posts/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}  answers")
    for mode, run in runs.items():
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(run["statuses"].items()))
        print(
            f"  {mode:<6} {run['users']:>5} {rates[mode]:>8.1f} {run['p50_ms']:>7.0f} {run['p99_ms']:>7.0f} "
            f"{run['max_ms']:>7.0f}  {answers}"
        )
    for mode, run in runs.items():
        failed = {k: v for k, v in run["statuses"].items() if not k.endswith((" 200", " 201"))}
        wrong = {k: v for k, v in run["statuses"].items() if k in ("report 200", "resend 201") and mode != "bare"}
        if failed or wrong:
            print(f"  {mode}: not as expected, by answer: {failed | wrong}")
        for error in run["errors"][:5]:
            print(f"  {mode}: {error['count']}× {error['name']}: {error['error']}")
        if run.get("unanswered_after_window"):
            print(f"  {mode}: {run['unanswered_after_window']} requests still unanswered 60 s after the window")
    ratio = rates["full"] / rates["bare"] if rates["bare"] else 0.0
    print(
        f"  reports: sent and acknowledged {stored['acked']}, stored {stored['rows']} "
        f"(distinct client_ids {stored['distinct']}); acknowledged but not stored {stored['lost']}; stored but "
        f"never acknowledged {stored['unacknowledged_stored']}; stored but never sent {stored['never_sent']}"
    )
    print(f"  throughput: reports {rates['full']:.1f}/s ÷ bare API view {rates['bare']:.1f}/s = {ratio:.2f}")
    return {
        "safety_reports_sent": stored["acked"],
        "safety_reports_stored": stored["rows"],
        "safety_duplicates": stored["duplicates"],
        "safety_p99_ms": round(runs["paced"]["p99_ms"], 1),
        "safety_throughput_ratio": round(ratio, 3),
        "safety_posts_per_s": round(rates["full"], 1),
        "safety_bare_posts_per_s": round(rates["bare"], 1),
    }


def _ok(run: dict) -> int:
    return sum(n for answer, n in run["statuses"].items() if answer.endswith((" 200", " 201")))


@benchmark
def safety_dashboard_city() -> dict[str, float]:
    """The live dashboard's data over a city-scale ward (BENCH_SIZE residents), half the listed persons reported."""
    if not harness.postgres_answers():
        print("  PostgreSQL does not answer at 127.0.0.1:5432: safety_dashboard_city skipped")
        return {}
    url = load_bench.ward_database(load_bench.SIZE)
    with load_bench._settings(url):
        return harness.run_worker("safety_bench:measure_dashboard", url, load_bench.size_label(load_bench.SIZE))


# ---------------------------------------------------------------------------------------------------------
# Workers (Django set up, bench production settings)


def _ward_officer():
    from tsunagu.accounts.models import User

    return User.objects.get(username="ward")


def _end_bench_events(officer) -> None:
    """End the events earlier runs left in force: every event in force adds to each request's grants."""
    from django.utils import timezone

    from tsunagu.disaster.models import DisasterEvent, active_events_q
    from tsunagu.disaster.services import event_end

    for event in DisasterEvent.objects.filter(active_events_q(timezone.now()), name__startswith=EVENT_PREFIX):
        event_end(user=officer, event_id=event.pk)


def _fire_members(ward_id: int, count: int) -> list:
    """``count`` bench supporters, members of the bench's 消防 of the ward (made once, kept)."""
    from tsunagu.accounts.models import User
    from tsunagu.organisations.models import Membership, MembershipRole, Organisation, OrganisationKind

    fire, _ = Organisation.objects.get_or_create(
        name=FIRE_NAME, kind=OrganisationKind.FIRE, municipality_id=ward_id, defaults={"is_active": True}
    )
    users = []
    for n in range(count):
        user, created = User.objects.get_or_create(
            username=f"{SUPPORTER_PREFIX}{n:03d}", defaults={"display_name": f"負荷試験 消防団員{n}"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user,
            organisation=fire,
            role=MembershipRole.MEMBER,
            defaults={"started_on": datetime.date(2000, 1, 1)},
        )
        users.append(user)
    return users


def prepare(scenario_path: str) -> dict[str, float]:
    """(worker) A disaster event over every 小学校区, SAFETY_USERS supporters with read-write API tokens, and the
    event's listed persons, written to ``scenario_path`` for the locustfile."""
    from tsunagu.access import policy
    from tsunagu.accounts.services import api_token_issue
    from tsunagu.areas.models import District
    from tsunagu.disaster.models import DisasterKind
    from tsunagu.disaster.selectors import event_persons
    from tsunagu.disaster.services import event_declare

    officer = _ward_officer()
    _end_bench_events(officer)
    ward_id = policy.viewer_for(officer).ward_id
    schools = list(District.objects.filter(municipality_id=ward_id, district_type__code="school").order_by("code"))
    event = event_declare(
        user=officer,
        name=f"{EVENT_PREFIX} 安否確認 {time.strftime('%Y-%m-%d %H:%M:%S')}",
        kind=DisasterKind.EARTHQUAKE,
        districts=schools,
        is_drill=True,
    )
    supporters = _fire_members(ward_id, SAFETY_USERS)
    tokens = [api_token_issue(user=user, read_only=False).key for user in supporters]
    person_ids = list(event_persons(supporters[0], event).values_list("pk", flat=True))
    if not person_ids:
        raise RuntimeError("the bench's 消防 sees no listed person of the event")
    scenario = {"event_id": event.pk, "tokens": tokens, "person_ids": person_ids}
    Path(scenario_path).write_text(json.dumps(scenario), encoding="utf-8")
    print(
        f"  event {event.pk} over {len(schools)} 小学校区: {len(person_ids):,} listed persons; "
        f"{len(tokens)} supporters of {FIRE_NAME} with API tokens",
        flush=True,
    )
    return {}


def check(scenario_path: str, *id_paths: str) -> dict[str, float]:
    """(worker) The event's stored reports against the client_ids the supporters sent and had acknowledged."""
    from django.db.models import Count

    from tsunagu.disaster.models import SafetyReport

    event_id = json.loads(Path(scenario_path).read_text(encoding="utf-8"))["event_id"]
    sent: set[str] = set()
    acked: set[str] = set()
    for path in id_paths:
        ids = json.loads(Path(path).read_text(encoding="utf-8"))
        sent |= set(ids["sent"])
        acked |= set(ids["acked"])
    reports = SafetyReport.objects.filter(event_id=event_id)
    rows = reports.count()
    stored = {str(u) for u in reports.exclude(client_id=None).values_list("client_id", flat=True)}
    twice = reports.exclude(client_id=None).values("client_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    return {
        "rows": rows,
        "distinct": len(stored),
        "duplicates": rows - len(stored) + twice,
        "sent": len(sent),
        "acked": len(acked),
        "lost": len(acked - stored),
        "unacknowledged_stored": len((stored & sent) - acked),
        "never_sent": len(stored - sent),
    }


def measure_dashboard(label: str) -> dict[str, float]:
    """(worker) An event over every district of the ward, reports for about half its listed persons (with their
    kept current status), then the dashboard's data for the ward officer and for a 消防 member."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tsunagu.access import policy
    from tsunagu.accounts.models import User
    from tsunagu.areas.models import District, TownDistrict
    from tsunagu.disaster.models import DisasterKind
    from tsunagu.disaster.selectors import dashboard
    from tsunagu.disaster.services import event_declare
    from tsunagu.roster.models import RosterBuild, RosterEntry

    officer = _ward_officer()
    _end_bench_events(officer)
    ward_id = policy.viewer_for(officer).ward_id
    districts = list(District.objects.filter(municipality_id=ward_id))
    started = timezone.now() - datetime.timedelta(hours=6)
    event = event_declare(
        user=officer,
        name=f"{EVENT_PREFIX} ダッシュボード {time.strftime('%Y-%m-%d %H:%M:%S')}",
        kind=DisasterKind.EARTHQUAKE,
        districts=districts,
        started_at=started,
        is_drill=True,
    )
    fire = _fire_members(ward_id, 1)[0]
    setup = time.perf_counter()
    # The event's listed persons (every listed person of the ward's towns), read directly: setup.
    towns = TownDistrict.objects.filter(district__in=districts).values("town_id")
    listed = list(
        RosterEntry.objects.filter(build_id=RosterBuild.current_id(ward_id), person__town_id__in=towns)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    reports = _write_reports(event, listed, officer, started)
    with connection.cursor() as cursor:  # as autovacuum's ANALYZE soon would
        for table in ("disaster_safetyreport", "disaster_safetycurrent", "disaster_disasterevent_districts"):
            cursor.execute(f"ANALYZE {table}")
    print(
        f"  event {event.pk} over {len(districts)} districts: {len(listed):,} listed persons, {reports:,} reports "
        f"written ({time.perf_counter() - setup:.0f} s, setup)",
        flush=True,
    )

    def timed(username: str) -> tuple[float, object]:
        user = User.objects.get(username=username)
        policy.attach_viewer(user)  # as RequestViewerMiddleware does for a request
        began = time.perf_counter()
        board = dashboard(user=user, event_id=event.pk)
        return (time.perf_counter() - began) * 1000, board

    warm_ms, board = timed(officer.username)  # a first call warms the caches, as the page's earlier requests have
    print(f"  dashboard (ward officer), first call: {warm_ms:.0f} ms", flush=True)
    # Twenty calls, unless they are so slow that a few already say it (BENCH_SAFETY_DASHBOARD_BUDGET seconds).
    times: list[float] = []
    began = time.perf_counter()
    while len(times) < DASHBOARD_RUNS and (not times or time.perf_counter() - began < DASHBOARD_BUDGET):
        with CaptureQueriesContext(connection) as captured:
            ms, board = timed(officer.username)
        times.append(ms)
    times.sort()
    p95 = times[math.ceil(0.95 * len(times)) - 1]
    fire_ms, fire_board = timed(fire.username)
    print(
        f"  dashboard (ward officer), {len(times)} calls: p50 {times[len(times) // 2]:.0f} ms, p95 {p95:.0f} ms, "
        f"max {times[-1]:.0f} ms; total {board.total:,}, confirmed {board.confirmed:,} ({board.rate:.0%}), "
        f"unconfirmed {board.unconfirmed_total:,}, conflicts {board.conflicts:,}, {len(board.timeline)} hours"
    )
    print(f"  dashboard (消防 member): {fire_ms:.0f} ms; total {fire_board.total:,}")
    if board.total != len(listed):
        print(f"  the dashboard counts {board.total:,} persons, the roster {len(listed):,} in the event's towns")
    timings = sorted(
        ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), key=lambda item: -item[0]
    )
    print(f"  the last call's {len(timings)} queries, slowest first:")
    for ms, sql in timings[:8]:
        print(f"    {ms:8.1f} ms  {sql[:150]}")
    if p95 >= DASHBOARD_GOAL_MS or fire_ms >= DASHBOARD_GOAL_MS:
        _explain(timings[0][1])
    return {
        f"safety_dashboard_p95_ms_{label}": round(p95, 1),
        f"safety_dashboard_listed_{label}": board.total,
        f"safety_dashboard_fire_ms_{label}": round(fire_ms, 1),
    }


def _write_reports(event, person_ids: list[int], reporter, started: datetime.datetime) -> int:
    """Reports for about half the persons (one in ten of them with an earlier second report), each person's current
    status the latest of theirs, written in bulk: setup, not measured."""
    import uuid

    from tsunagu.disaster.models import CONFIRMED, SafetyCurrent, SafetyReport, SafetyStatus
    from tsunagu.disaster.status import conflicting_reports, current_report

    rng = random.Random(SEED)
    statuses = [s for s in SafetyStatus.values if s != SafetyStatus.UNCONFIRMED]
    span = (datetime.datetime.now(datetime.UTC) - started).total_seconds()
    chosen = sorted(rng.sample(person_ids, len(person_ids) // 2))
    # The event's rows were written (未確認) when it was declared: the reports' statuses go onto them.
    rows = {r.person_id: r for r in SafetyCurrent.objects.filter(event=event).only("pk", "person_id")}
    written = 0
    for offset in range(0, len(chosen), 5000):
        batch: list[SafetyReport] = []
        for person_id in chosen[offset : offset + 5000]:
            for _ in range(2 if rng.random() < 0.1 else 1):
                batch.append(
                    SafetyReport(
                        event=event,
                        person_id=person_id,
                        status=rng.choice(statuses),
                        observed_at=started + datetime.timedelta(seconds=rng.uniform(60, span - 60)),
                        reported_by=reporter,
                        client_id=uuid.uuid4(),  # unique across runs on the kept database
                    )
                )
        SafetyReport.objects.bulk_create(batch)
        by_person: dict[int, list[SafetyReport]] = {}
        for report in batch:
            by_person.setdefault(report.person_id, []).append(report)
        current = []
        for person_id, reports in by_person.items():
            latest = current_report(reports)
            row = rows[person_id]
            row.report, row.status, row.observed_at = latest, latest.status, latest.observed_at
            row.first_confirmed_at = min((r.observed_at for r in reports if r.status in CONFIRMED), default=None)
            row.has_conflict = bool(conflicting_reports(reports))
            current.append(row)
        SafetyCurrent.objects.bulk_update(
            current, ["report", "status", "observed_at", "first_confirmed_at", "has_conflict"], batch_size=1000
        )
        written += len(batch)
    return written


def _explain(sql: str) -> None:
    """EXPLAIN ANALYZE of a captured query (its parameters are already in the text Django logged)."""
    from django.db import connection

    print("  EXPLAIN ANALYZE of the slowest query:")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        for (line,) in cursor.fetchall():
            print(f"    {line}")
