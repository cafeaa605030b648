"""Driving Debian's Chromium with Playwright in the browser tests, and checking each page with axe-core.

No ORM call may run while Playwright is active: its sync API keeps an event loop in this thread, and Django
refuses database access from there. So each test prepares its data first, browses, then checks the results.

axe-core comes from the PyPI package axe-playwright-python (pinned in requirements-dev.txt), which ships
axe.min.js inside it: nothing is fetched while the tests run."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, sync_playwright

from tsunagu.testing.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
TIMEOUT_MS = 15_000


@contextmanager
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser test needs Debian's chromium package and fonts-noto-cjk "
            "(`make system-deps` installs them)."
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("ログインID").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログインする").click()


@dataclass(frozen=True)
class Authenticator:
    """What a staff member's authenticator app knows, read from the database before the browser starts."""

    key: bytes
    step: int
    t0: int
    digits: int

    def code(self) -> str:
        return f"{totp(self.key, step=self.step, t0=self.t0, digits=self.digits):0{self.digits}d}"


def authenticator_for(user) -> Authenticator:
    """Registers a confirmed TOTP device for the user (an ORM call: before Playwright starts)."""
    device = TOTPDevice.objects.create(user=user, name="スマートフォン", confirmed=True)
    return Authenticator(key=device.bin_key, step=device.step, t0=device.t0, digits=device.digits)


def sign_in_with_second_factor(page: Page, base_url: str, username: str, authenticator: Authenticator) -> None:
    """Password, then the code on the two-factor page, as a ward or 社協 staff member signs in."""
    sign_in(page, base_url, username)
    page.wait_for_url(re.compile(r"/accounts/two-factor/"), timeout=TIMEOUT_MS)
    page.get_by_label("確認コード（6桁の数字）").fill(authenticator.code())
    page.get_by_role("button", name="確認する").click()
    page.wait_for_url(lambda url: "/accounts/two-factor/" not in url, timeout=TIMEOUT_MS)


# The project's rule: every page passes WCAG 2.1 AA (levels A and AA of WCAG 2.0 and 2.1).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
_AXE = Axe()


def accessibility_violations(page: Page) -> list[dict]:
    """axe-core's violations of AXE_TAGS on the page as it is now (after its scripts and htmx have run)."""
    options = {"runOnly": {"type": "tag", "values": list(AXE_TAGS)}, "resultTypes": ["violations"]}
    return _AXE.run(page, options=options).response["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    {target}: {node['failureSummary'].replace(chr(10), ' ')}")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str = "") -> None:
    """Fail with every WCAG 2.1 A/AA violation axe-core finds on the page, each with the elements concerned."""
    violations = accessibility_violations(page)
    if violations:
        pytest.fail(
            f"axe-core: {len(violations)} WCAG 2.1 AA violation(s) on {where or page.url}\n"
            + describe_violations(violations),
            pytrace=False,
        )
