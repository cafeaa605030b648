"""Production: PostgreSQL via DATABASE_URL, HTTPS only, secrets from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import LOCAL_AUDIT_KEY, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")  # no default: refuse to start without a real key

# The audit chain's key: no default here either. It must be the production server's own, long, and not the secret
# key (which signs sessions and may be shared more widely), so that knowing one never gives the other.
TSUNAGU_AUDIT_KEY = env("TSUNAGU_AUDIT_KEY", default="")
if len(TSUNAGU_AUDIT_KEY) < 32 or TSUNAGU_AUDIT_KEY in (LOCAL_AUDIT_KEY, SECRET_KEY):
    raise ImproperlyConfigured(
        "Set TSUNAGU_AUDIT_KEY to a random secret of at least 32 characters, different from DJANGO_SECRET_KEY "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'); it keys the audit log's hash chain "
        'and must be kept outside the database and backed up apart from it (docs/deploy.md, "Audit log").'
    )
DATABASES = {"default": env.db("DATABASE_URL")}
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")  # report-only reads (tsunagu.core.db)
for _database in DATABASES.values():
    _database["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
TSUNAGU_REPORTS_DATABASE = "replica" if "replica" in DATABASES else "default"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
TSUNAGU_REQUIRE_2FA = True

CACHES = {
    "default": env.cache("REDIS_URL", default="locmemcache://")
    if env("REDIS_URL", default="")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# The viewer's memberships are kept across requests only in a cache the app servers share (see base.py).
TSUNAGU_ACCESS_CACHE_SECONDS = env.int(
    "TSUNAGU_ACCESS_CACHE_SECONDS", default=300 if env("REDIS_URL", default="") else 0
)
