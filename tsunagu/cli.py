"""The `tsunagu` command: friendly names for the management commands staff run.

    tsunagu import residents FILE [--dry-run]
    tsunagu import shelters FILE
    tsunagu audit verify
    tsunagu consent state check|rebuild
    tsunagu generate-ward [--size N]
    tsunagu <any manage.py command> ...
"""

import os
import sys

ALIASES = {
    ("import", "residents"): "import_residents",
    ("import", "areas"): "import_areas",
    ("import", "shelters"): "import_shelters",
    ("audit", "verify"): "audit_verify",
    ("consent", "state"): "consent_state",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    if len(argv) >= 2 and (argv[0], argv[1]) in ALIASES:
        argv = [ALIASES[(argv[0], argv[1])], *argv[2:]]
    elif argv and argv[0] == "generate-ward":
        argv = ["generate_ward", *argv[1:]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tsunagu", *argv])


if __name__ == "__main__":
    main()
