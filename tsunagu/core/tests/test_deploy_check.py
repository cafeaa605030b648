"""Production settings pass Django's deployment checklist and keep cookies and HSTS strict."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TSUNAGU_", "DATABASE_URL", "REDIS_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "TSUNAGU_AUDIT_KEY": secrets.token_urlsafe(48),
            "TSUNAGU_AUDIT_DIR": str(tmp_path / "audit"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
            "DJANGO_ALLOWED_HOSTS": "tsunagu.example.jp",
        }
    )
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output


def test_check_deploy_would_catch_a_weak_setup(tmp_path):
    """The same command fails when the secret key is weak, so the clean run above means something."""
    env = _production_env(tmp_path) | {"DJANGO_SECRET_KEY": "short"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


_SETTING_NAMES = [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SESSION_COOKIE_AGE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_PROXY_SSL_HEADER",
    "X_FRAME_OPTIONS", "TSUNAGU_REQUIRE_2FA", "ALLOWED_HOSTS", "MIDDLEWARE",
]


def _production_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Evaluate config.settings.production in a fresh interpreter, as a production process would."""
    script = (
        "import json; from config.settings import production as p; "
        f"print(json.dumps({{n: getattr(p, n) for n in {_SETTING_NAMES!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_production_cookies_headers_and_second_factor(tmp_path):
    result = _production_settings(_production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    production = json.loads(result.stdout)
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert production["SESSION_COOKIE_AGE"] == 30 * 60
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["TSUNAGU_REQUIRE_2FA"] is True
    assert production["ALLOWED_HOSTS"] == ["tsunagu.example.jp"]
    assert "axes.middleware.AxesMiddleware" in production["MIDDLEWARE"]
    assert "django.middleware.csrf.CsrfViewMiddleware" in production["MIDDLEWARE"]
    assert "tsunagu.accounts.middleware.TwoFactorRequiredMiddleware" in production["MIDDLEWARE"]


def test_production_keeps_two_factor_even_if_the_environment_asks_otherwise(tmp_path):
    result = _production_settings(_production_env(tmp_path) | {"TSUNAGU_REQUIRE_2FA": "false", "DJANGO_DEBUG": "true"})
    production = json.loads(result.stdout)
    assert production["TSUNAGU_REQUIRE_2FA"] is True
    assert production["DEBUG"] is False


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = _production_settings(env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    env = _production_env(tmp_path)
    del env["TSUNAGU_AUDIT_KEY"]
    result = _production_settings(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set TSUNAGU_AUDIT_KEY to a random secret" in result.stderr


def test_production_refuses_a_weak_or_borrowed_audit_key(tmp_path):
    env = _production_env(tmp_path)
    for key in ("short", "insecure-local-only-audit-key-change-me", env["DJANGO_SECRET_KEY"]):
        result = _production_settings(env | {"TSUNAGU_AUDIT_KEY": key})
        assert result.returncode != 0, key
        assert "ImproperlyConfigured: Set TSUNAGU_AUDIT_KEY" in result.stderr, key


def test_check_deploy_warns_when_the_checkpoint_directory_cannot_be_written(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    env = _production_env(tmp_path) | {"TSUNAGU_AUDIT_DIR": str(blocked / "audit")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "audit.W001" in result.stdout + result.stderr
