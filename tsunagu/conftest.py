"""Shared fixtures: the small ward with its named personas (tsunagu.testing.personas), a client that has
passed the second factor, the audit triggers around transactional tests, and a checkpoint directory per test."""

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from tsunagu.audit import checkpoint
from tsunagu.audit.triggers import drop_audit_triggers, install_audit_triggers
from tsunagu.testing.concurrency import Together
from tsunagu.testing.personas import build_ward


@pytest.fixture
def ward(db):
    return build_ward()


@pytest.fixture
def verified_client(client):
    """A client whose session passed the second factor (what a staff member has after TOTP)."""

    def login(user):
        from django_otp import login as otp_login
        from django_otp.plugins.otp_totp.models import TOTPDevice

        client.force_login(user)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        request = SimpleNamespace(session=client.session, user=user)
        otp_login(request, device)
        request.session.save()
        return client

    return login


@pytest.fixture
def audit_triggers_off_for_flush(transactional_db):
    """Transactional tests (the browser test) end with a flush, which the append-only triggers would refuse.
    Drop them for the flush and put them back for the next test."""
    install_audit_triggers(connection)
    yield
    drop_audit_triggers(connection)


@pytest.fixture(autouse=True)
def audit_checkpoints(request, settings, tmp_path_factory, monkeypatch):
    """Every test starts from an empty audit log, so it gets an empty checkpoint directory too (lines left by
    another test would name entries this one never wrote). A checkpoint line is written when the entry's
    transaction commits; a test under the `db` fixture runs in a transaction that is rolled back, never
    committed, so there the line is written at once. Transactional tests commit for real and keep the real hook.
    Yields the directory."""
    directory = tmp_path_factory.mktemp("audit")
    settings.TSUNAGU_AUDIT_DIR = directory
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        monkeypatch.setattr(checkpoint, "run_after_commit", lambda write: write())
    return directory


@pytest.fixture(autouse=True)
def japanese_by_default():
    """Every test starts in the site's language: a request that chose English would otherwise leave it active in
    the thread for the tests that follow (commands and PDFs print in the active language)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def together(audit_triggers_off_for_flush, monkeypatch):
    """Run writes at the same moment from several threads (tsunagu.testing.concurrency.Together)."""
    return Together(monkeypatch)
