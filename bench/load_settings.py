"""Settings for the pages' load bench (bench/load_bench.py): the production settings as they are, with the bench's
URL configuration (the site's URLs plus one bare view) and its own static folder. The bench sets
TSUNAGU_AUDIT_DIR to a folder of its own for each database.

DEBUG stays off and HSTS, the HTTPS redirect, CSRF's referer check and the second factor stay on: the simulated
users send `X-Forwarded-Proto: https` as the HTTPS proxy in front of gunicorn does (docs/deploy.md), a same-origin
Referer as a browser does, and pass TOTP with codes computed from their device's known secret. One change: the
cookies lose their Secure flag, because the load tool speaks plain HTTP to gunicorn (as the proxy does) and its
cookie jar keeps a Secure cookie for https:// addresses only. The flag is an instruction to browsers; the server
does the same work either way."""

from config.settings.production import *  # noqa: F403
from config.settings.production import BASE_DIR, env

ROOT_URLCONF = "load_urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STATIC_ROOT = BASE_DIR / "var" / "bench-static"
# gunicorn logs each 5xx with its traceback; the bench reports it as a failed request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="ERROR")},
}
