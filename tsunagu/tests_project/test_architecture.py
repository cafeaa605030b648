"""The house rules that keep the code easy to live in, checked on the source (docs/architecture.md)."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGE = ROOT / "tsunagu"

# Apps without a room, and why (docs/architecture.md, "Rooms of an app").
NO_TABLES = {"core", "demo", "access", "consent", "registry", "portal"}
NO_PAGES = {"core", "demo", "areas", "organisations", "people", "audit"}
NO_SERVICES = {"core", "demo", "portal", "access", "organisations"}  # reads only (the policy writes refusals)
# Reads of residents and districts are the policy's business, a floor above (registry, roster, consent).
NO_SELECTORS = {"core", "demo", "people", "areas"}
# A selectors.py or services.py past this many lines becomes a package split by what it does.
MODULE_LINE_LIMIT = 450


def tsunagu_apps() -> list[str]:
    return sorted(c.name.removeprefix("tsunagu.") for c in apps.get_app_configs() if c.name.startswith("tsunagu."))


def has_room(app: str, room: str) -> bool:
    return (PACKAGE / app / f"{room}.py").is_file() or (PACKAGE / app / room / "__init__.py").is_file()


def python_files(*, tests: bool) -> list[Path]:
    files = []
    for path in PACKAGE.rglob("*.py"):
        in_tests = "tests" in path.parts or "tests_browser" in path.parts or "testing" in path.parts
        if in_tests == tests and "migrations" not in path.parts:
            files.append(path)
    return sorted(files)


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


@pytest.mark.parametrize("app", tsunagu_apps())
def test_every_app_has_its_rooms(app):
    missing = []
    if app not in NO_TABLES and not (PACKAGE / app / "models.py").is_file():
        missing.append("models.py")
    if app not in NO_SELECTORS and not has_room(app, "selectors"):
        missing.append("selectors")
    if app not in NO_SERVICES and not has_room(app, "services"):
        missing.append("services")
    if app not in NO_PAGES:
        if not (PACKAGE / app / "views" / "__init__.py").is_file():
            missing.append("views/ package")
        if not (PACKAGE / app / "urls.py").is_file():
            missing.append("urls.py")
    assert missing == [], f"{app} lacks {missing} (or belongs in an exception list with a reason)"


def test_apps_have_one_urls_module_and_no_views_module_beside_the_package():
    stray = [str(p.relative_to(ROOT)) for p in PACKAGE.glob("*/urls_*.py")]
    stray += [str(p.relative_to(ROOT)) for p in PACKAGE.glob("*/views_*.py") if p.name != "views_errors.py"]
    stray += [str(p.relative_to(ROOT)) for p in PACKAGE.glob("*/views.py")]
    assert stray == []


def test_selector_and_service_modules_become_packages_when_they_grow():
    too_long = []
    for path in [*PACKAGE.glob("*/selectors.py"), *PACKAGE.glob("*/services.py")]:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MODULE_LINE_LIMIT:
            too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert too_long == []


def test_views_never_write_audit_rows():
    """Audit rows come from selectors and services, so a page, its htmx fragment and the API record alike."""
    writers = []
    for path in python_files(tests=False):
        is_view = "views" in path.parts or path.name in ("api.py", "views_errors.py")
        if is_view and imported_modules(path) & {"tsunagu.audit.services", "tsunagu.audit.services.audit_record"}:
            writers.append(str(path.relative_to(ROOT)))
    assert writers == []


def test_tests_share_helpers_through_the_testing_package_only():
    crossing = []
    for path in python_files(tests=True):
        for module in imported_modules(path):
            match = re.match(r"tsunagu\.(\w+)\.tests\b|tsunagu\.(tests_browser|tests_project)\b", module)
            if match:
                owner = match.group(1) or match.group(2)
                if owner not in path.parts:
                    crossing.append(f"{path.relative_to(ROOT)} imports {module}")
    assert crossing == []


def test_every_setting_the_code_reads_is_declared_and_documented():
    """A setting read with settings.X or getattr(settings, "X") is declared in config/settings/base.py (with its
    default, from the environment) and documented for those who deploy."""
    read: set[str] = set()
    pattern = re.compile(r"settings\.(TSUNAGU_[A-Z0-9_]+)|getattr\(settings, \"(TSUNAGU_[A-Z0-9_]+)\"")
    for path in python_files(tests=False):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            read.add(match.group(1) or match.group(2))
    base = (ROOT / "config" / "settings" / "base.py").read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert read, "the scan found no settings: the pattern is broken"
    assert sorted(s for s in read if f"\n{s} =" not in base) == []
    assert sorted(s for s in read if f"`{s}`" not in docs) == []


# The module each runtime requirement is imported as, or where it is named instead of imported.
RUNTIME_IMPORT_NAMES = {
    "Django": "django",
    "djangorestframework": "rest_framework",
    "drf-spectacular": "drf_spectacular",
    "django-environ": "environ",
    "django-htmx": "django_htmx",
    "django-axes": "axes",
    "django-csp": "csp",
    "django-otp": "django_otp",
    "segno": "segno",
    "python-dateutil": "dateutil",  # the directory's opening times (RFC 5545 rules)
    "psycopg[binary]": "postgresql",  # DATABASE_URL's engine, named in settings
    "jaconv": "jaconv",
    "pykakasi": "pykakasi",  # ふりがな (tsunagu.core.furigana)
    "icalendar": "icalendar",  # the events' iCal feeds
    "tqdm": "tqdm",
    "openpyxl": "openpyxl",
    "reportlab": "reportlab",
    "ortools": "ortools",
    "scipy": "scipy",
    "numpy": "numpy",
    "gunicorn": "gunicorn",  # the production server (docs/deploy.md)
    "whitenoise": "whitenoise",
    "huey": "huey",  # background jobs (tsunagu.jobs)
    "redis": "redis",  # huey's Redis queue when REDIS_URL is set (settings, docs/deploy.md)
}


def test_runtime_requirements_hold_only_what_the_running_product_uses():
    requirements = [
        line.split("==")[0]
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    unknown = [name for name in requirements if name not in RUNTIME_IMPORT_NAMES]
    assert unknown == [], "say how the product uses it, or move it to requirements-dev.txt"
    source = "\n".join(p.read_text(encoding="utf-8") for p in python_files(tests=False))
    source += (ROOT / "config" / "settings" / "base.py").read_text(encoding="utf-8")
    source += (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    unused = [name for name, module in RUNTIME_IMPORT_NAMES.items() if name in requirements and module not in source]
    assert unused == []
