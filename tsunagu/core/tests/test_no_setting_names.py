"""No setting name reaches a user: a ward officer reads 「システムの管理者が設定しています」, not
TSUNAGU_ROSTER_CONSENT_MODE. Setting names belong in docs/ and in logs. Checked over every translatable string
(the English catalogue, which test_locale keeps complete) and the literal text of every template."""

import re
from pathlib import Path

from django.conf import settings

TSUNAGU = Path(settings.BASE_DIR) / "tsunagu"
PO_PATH = TSUNAGU / "locale" / "en" / "LC_MESSAGES" / "django.po"
SETTINGS_DIR = Path(settings.BASE_DIR) / "config" / "settings"

_TOKEN = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
_TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
# Names read from the environment in config/settings (env("X"), env.bool("X", …), env.db("X") …).
_ENV_NAME = re.compile(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"")


def environment_names() -> set[str]:
    return {name for path in SETTINGS_DIR.glob("*.py") for name in _ENV_NAME.findall(path.read_text("utf-8"))}


def setting_names_in(text: str, env_names: set[str]) -> set[str]:
    return {
        token
        for token in _TOKEN.findall(text)
        if token in env_names or token.startswith(("TSUNAGU_", "DJANGO_")) or hasattr(settings, token)
    }


def test_the_finder_knows_setting_and_environment_names():
    env_names = environment_names()

    assert {"DJANGO_DEBUG", "DATABASE_URL", "TSUNAGU_ROSTER_CONSENT_MODE"} <= env_names
    assert setting_names_in("設定 TSUNAGU_ROSTER_CONSENT_MODE で決まります", env_names) == {
        "TSUNAGU_ROSTER_CONSENT_MODE"
    }
    assert setting_names_in("Set DATABASE_URL or SESSION_COOKIE_AGE", env_names) == {
        "DATABASE_URL", "SESSION_COOKIE_AGE"
    }
    assert setting_names_in("名簿 ID CSV PDF UTF-8 CP932 TOTP", env_names) == set()


def test_no_translatable_string_names_a_setting():
    env_names = environment_names()
    # Comment lines hold file names and flags; the strings are on msgid/msgstr and continuation lines.
    strings = "\n".join(line for line in PO_PATH.read_text("utf-8").splitlines() if not line.startswith("#"))

    assert setting_names_in(strings, env_names) == set()


def test_no_template_text_names_a_setting():
    env_names = environment_names()
    found = {}
    for template in TSUNAGU.rglob("*.html"):
        if ".venv" in template.parts:
            continue
        # Variables and tags ({{ LANGUAGE_CODE }}) are code; translated text is checked through the catalogue.
        text = _TEMPLATE_TAG.sub(" ", template.read_text("utf-8"))
        if names := setting_names_in(text, env_names):
            found[str(template.relative_to(TSUNAGU))] = names

    assert found == {}
