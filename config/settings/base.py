"""Settings shared by every environment. Everything that differs between machines is read from the
environment here, in one place, with safe local defaults (SQLite, debug off unless asked for)."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A fixed key is acceptable only for local runs; production settings refuse to start without one.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "huey.contrib.djhuey",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "tsunagu.core",
    "tsunagu.audit",
    "tsunagu.jobs",
    "tsunagu.accounts",
    "tsunagu.areas",
    "tsunagu.organisations",
    "tsunagu.people",
    "tsunagu.access",
    "tsunagu.roster",
    "tsunagu.shelters",
    "tsunagu.volunteers",
    "tsunagu.evacuation",
    "tsunagu.consent",
    "tsunagu.registry",
    "tsunagu.watch",
    "tsunagu.disaster",
    "tsunagu.cases",
    "tsunagu.directory",
    "tsunagu.events",
    "tsunagu.community",
    "tsunagu.portal",
    "tsunagu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tsunagu.core.middleware.JapaneseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after the user is known, so it also covers the responses of every middleware below.
    "tsunagu.core.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # One reading of the user's memberships and agreements per request (tsunagu.access.policy.Viewer).
    "tsunagu.access.middleware.RequestViewerMiddleware",
    "tsunagu.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tsunagu.accounts.middleware.HtmxLoginRedirectMiddleware",
    # Last, so that a lockout response is produced after authentication has run.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tsunagu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tsunagu.core.context_processors.site",
                "tsunagu.access.context_processors.ward",
                "tsunagu.portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'tsunagu.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL and a busy timeout let the dev server and an import run side by side. Immediate transactions take the
    # write lock when they begin, so a second writer waits for it (up to the timeout, in seconds). A deferred
    # transaction would read first and then fail at once with "database is locked" on its first write, because
    # SQLite cannot upgrade a read that another writer has made stale.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# A read replica (docs/deploy.md, "Scale-out"): report-only reads — counts and statistics that name no one — go
# to it (tsunagu.core.db.reports); writes and every audited read of personal data stay on the primary.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
TSUNAGU_REPORTS_DATABASE = "replica" if "replica" in DATABASES else "default"
DATABASE_ROUTERS = ["tsunagu.core.db.PrimaryMigrationsRouter"]
# Figures over large scopes (tsunagu.core.figures: the home page's totals, long lists' counts, the map's extent):
# past this many rows a figure is kept in the cache for this many seconds, until a write it counts (an import,
# a roster build, consent) starts a new generation. 0 seconds: always counted live.
TSUNAGU_FIGURES_EXACT_BELOW = env.int("TSUNAGU_FIGURES_EXACT_BELOW", default=1000)
TSUNAGU_FIGURES_CACHE_SECONDS = env.int("TSUNAGU_FIGURES_CACHE_SECONDS", default=300)
# How long a user's memberships, agreements and the towns of their districts are kept across requests
# (tsunagu.access.policy.viewer), moved on by every change to them. 0: read on every request. Only for a cache
# every app server shares (production turns it on with REDIS_URL): a per-process cache would miss the change
# another process made.
TSUNAGU_ACCESS_CACHE_SECONDS = env.int("TSUNAGU_ACCESS_CACHE_SECONDS", default=0)
# How long an escalation of a watch-over concern may wait for the professional to acknowledge it before it
# resurfaces and is listed for the receiving organisation's supervisors (tsunagu.watch), in hours per urgency.
TSUNAGU_WATCH_ACKNOWLEDGE_HOURS = {
    "urgent": env.int("TSUNAGU_WATCH_ACKNOWLEDGE_HOURS_URGENT", default=2),
    "concern": env.int("TSUNAGU_WATCH_ACKNOWLEDGE_HOURS_CONCERN", default=48),
}
# Whether a supervisor (the capability approve_case_plan) must approve a support plan before support starts and
# the closing of a case (tsunagu.cases). A ward that does not require it turns it off.
TSUNAGU_CASE_APPROVAL_REQUIRED = env.bool("TSUNAGU_CASE_APPROVAL_REQUIRED", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 idle minutes and when the browser closes: shared office PCs are common.
SESSION_COOKIE_AGE = env.int("TSUNAGU_SESSION_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Login throttling: five failures lock the username from that address for 30 minutes.
AXES_FAILURE_LIMIT = env.int("TSUNAGU_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_VERBOSE = False

# Staff roles (ward, 社協, care plaza) must pass TOTP. Only a local demo may switch this off.
TSUNAGU_REQUIRE_2FA = env.bool("TSUNAGU_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "tsunagu"

# API tokens stop working this many days after they are issued (docs/api.md); the owner issues a new one.
TSUNAGU_API_TOKEN_DAYS = env.int("TSUNAGU_API_TOKEN_DAYS", default=90)

# The audit log (docs/deploy.md, "Audit log"). Its chain is keyed (HMAC) with a key that must never be stored in
# the database, so that whoever can write the audit tables cannot recompute it. A fixed key is acceptable only for
# local runs and tests; production settings refuse to start without a real one. Keys retired by a rotation stay
# listed (comma-separated) so the entries they signed still verify.
LOCAL_AUDIT_KEY = "insecure-local-only-audit-key-change-me"
TSUNAGU_AUDIT_KEY = env("TSUNAGU_AUDIT_KEY", default=LOCAL_AUDIT_KEY)
TSUNAGU_AUDIT_OLD_KEYS = env.list("TSUNAGU_AUDIT_OLD_KEYS", default=[])
# Where each committed entry's checkpoint line is appended: outside the database, owned by the app's user only.
TSUNAGU_AUDIT_DIR = Path(env("TSUNAGU_AUDIT_DIR", default=str(BASE_DIR / "var" / "audit")))

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "tsunagu" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Generated files (the results of background jobs: PDFs, spreadsheets) and uploads waiting for a job. Never served
# as static media: tsunagu.jobs hands each file only to the user who started its job (docs/deploy.md, "Jobs").
MEDIA_ROOT = Path(env("TSUNAGU_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"

# Background jobs (tsunagu.jobs) run on huey. Without REDIS_URL the queue is a SQLite file beside the database
# (no extra service; `make demo` starts a worker beside the web server); with REDIS_URL it is Redis, and workers
# on any machine (`manage.py run_huey`) share it. docs/deploy.md, "Jobs", says how production runs workers.
REDIS_URL = env("REDIS_URL", default="")
TSUNAGU_JOBS_QUEUE_FILE = env("TSUNAGU_JOBS_QUEUE_FILE", default=str(BASE_DIR / "var" / "jobs-queue.sqlite3"))
HUEY = {
    "name": env("TSUNAGU_JOBS_QUEUE_NAME", default="tsunagu"),
    "huey_class": "huey.RedisHuey" if REDIS_URL else "tsunagu.jobs.queue.SqliteQueue",
    "connection": {"url": REDIS_URL} if REDIS_URL else {"filename": TSUNAGU_JOBS_QUEUE_FILE},
    # Immediate mode runs each job inside the request that starts it (tests; a machine without any worker).
    "immediate": env.bool("TSUNAGU_JOBS_IMMEDIATE", default=False),
    "consumer": {
        "workers": env.int("TSUNAGU_JOB_WORKERS", default=2),
        "worker_type": "thread",
        "check_worker_health": True,
        "periodic": True,
    },
}
# A running job's worker writes a heartbeat every few seconds; a job whose heartbeat is older than this is marked
# interrupted (its worker was killed or its machine stopped). Its work was one transaction, so nothing of it stays.
TSUNAGU_JOB_HEARTBEAT_SECONDS = env.int("TSUNAGU_JOB_HEARTBEAT_SECONDS", default=5)
TSUNAGU_JOB_STALE_SECONDS = env.int("TSUNAGU_JOB_STALE_SECONDS", default=60)
# Generated files are deleted this many days after their job finished.
TSUNAGU_JOB_KEEP_DAYS = env.int("TSUNAGU_JOB_KEEP_DAYS", default=7)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Our own tokens (hashed, expiring, read-only or not): `Authorization: Token <key>`, see docs/api.md.
        "tsunagu.access.authentication.ViewerApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tsunagu.accounts.permissions.VerifiedStaffForSession"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "tsunagu.access.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "30/min", "user": "600/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "tsunagu API",
    "DESCRIPTION": "地域福祉の基盤API。すべての個人情報はアクセスポリシーと監査ログを通ります。",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several models have a `status`; name their enums so the schema stays unambiguous as apps are added.
    "ENUM_NAME_OVERRIDES": {
        "ResidentStatusEnum": "tsunagu.people.models.ResidentStatus",
        "ConsentStatusEnum": "tsunagu.people.models.ConsentStatus",
        # Each detail level's records carry detail_level as an enum of that one value (DetailLevelField), so the
        # shapes of the levels exclude each other; name the two one-value enums.
        "DetailLevelFullEnum": ["full"],
        "DetailLevelCommunityEnum": ["community"],
        # Cases: their urgency and a referral's status are choice sets of their own (watch and disaster have theirs).
        "CaseUrgencyEnum": "tsunagu.cases.models.Urgency",
        # A watch-over escalation's urgency keeps the name it had before cases came.
        "UrgencyEnum": "tsunagu.watch.serializers.URGENCY_CHOICES",
        "ReferralStatusEnum": "tsunagu.cases.models.ReferralStatus",
        # Support conferences: their kind, a decision's kind and a task's status.
        "ConferenceKindEnum": "tsunagu.cases.models.ConferenceKind",
        "DecisionKindEnum": "tsunagu.cases.models.DecisionKind",
        "TaskStatusEnum": "tsunagu.cases.models.TaskStatus",
    },
}

# The ward this deployment serves; the demo fills it with a synthetic ward.
TSUNAGU_WARD_NAME = env("TSUNAGU_WARD_NAME", default="大正区")
# The prefecture and city before the ward's name in a postal address (大阪府大阪市 + 大正区 + 泉尾一丁目1-2-3), as the
# consent letters print it in the window-envelope address block. A 特別区 of Tokyo sets 東京都.
TSUNAGU_MUNICIPALITY_NAME = env("TSUNAGU_MUNICIPALITY_NAME", default="大阪府大阪市")
# The ward's 全国地方公共団体コード (6 digits with the check digit; 大阪市大正区 271080). The first migration makes the
# home municipality (areas.Municipality) from it and the two names above; an instance serving several wards adds
# the others in the admin or with `generate_ward --wards`. Letters print the person's municipality when known.
TSUNAGU_MUNICIPALITY_CODE = env("TSUNAGU_MUNICIPALITY_CODE", default="271080")
TSUNAGU_MAP_TILE_URL = env("TSUNAGU_MAP_TILE_URL", default="https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png")
TSUNAGU_MAP_ATTRIBUTION = env(
    "TSUNAGU_MAP_ATTRIBUTION", default='<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>'
)


def _tile_source(url: str) -> list[str]:
    """The Content-Security-Policy source the map tiles come from: the tile URL's scheme and host (and port). A
    subdomain placeholder such as {s}.tile.example.org becomes *.tile.example.org. Nothing for tiles served
    from this site (a path without a host), which 'self' covers."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return []
    labels = parts.netloc.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    return [f"{parts.scheme}://{'.'.join(labels)}"]


# Content-Security-Policy (django-csp): scripts, styles, fonts and requests from this site only; images also from
# the map's tile server, and data: images (Leaflet sets a tile it cancels to an empty data: GIF; an image cannot
# run code). Templates hold no inline script, <style> or style attribute (htmx's own indicator style is switched
# off in base.html), so none of 'unsafe-inline', 'unsafe-eval' or nonces is needed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_tile_source(TSUNAGU_MAP_TILE_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The TrueType font embedded in printed forms (PDF); empty means Debian's IPAex Gothic (fonts-ipaexfont).
TSUNAGU_PDF_FONT = env("TSUNAGU_PDF_FONT", default="")
# The ordinance mode for sharing the roster in normal times: "required", "presumed" or "opt_out" (docs/consent.md).
TSUNAGU_ROSTER_CONSENT_MODE = env("TSUNAGU_ROSTER_CONSENT_MODE", default="required")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}
