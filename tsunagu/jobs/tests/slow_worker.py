"""A huey worker whose jobs pause inside their transaction (the kill test): right after a job writes its import's
or its build's audit entry — its last write, still inside its one transaction — the worker leaves a marker file
and sleeps, so the test can SIGKILL it there. Run as `python -m tsunagu.jobs.tests.slow_worker`."""

import os
import sys
import time
from pathlib import Path

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from django.core.management import call_command

    from tsunagu.audit import services as audit_services

    original = audit_services.audit_record
    marker = Path(os.environ["TSUNAGU_TEST_SLOW_MARKER"])

    def slowed(**kwargs):
        entry = original(**kwargs)
        if kwargs.get("action") == "import" or kwargs.get("target_type") == "roster_build":
            marker.write_text(str(os.getpid()))
            time.sleep(600)
        return entry

    # Modules that import audit_record later get the slowed one; those already loaded are rebound.
    audit_services.audit_record = slowed
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("tsunagu.") and getattr(module, "audit_record", None) is original:
            module.audit_record = slowed
    call_command("run_huey")


if __name__ == "__main__":
    main()
