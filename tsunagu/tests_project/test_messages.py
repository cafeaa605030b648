"""Every message a person reads is marked for translation (so English users get English, and
tsunagu/core/tests/test_locale.py can fail on a marked string without English): message constants, the text of
raised errors, the messages framework, form and model field labels. Checked on the source."""

import ast
import re
from pathlib import Path

from django.conf import settings

PACKAGE = Path(settings.BASE_DIR) / "tsunagu"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
MARKERS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}

# Japanese text that is not a message to translate, and why.
NOT_MESSAGES = {
    # Printed on legal forms that go to residents and community groups: these documents are Japanese.
    ("tsunagu/roster/sheet.py", "SECRECY_NOTE"),
    ("tsunagu/evacuation/pdf.py", "SECRECY_NOTE"),
    ("tsunagu/evacuation/pdf.py", "FOOTER_NOTE"),
    # For whoever runs the server (it names a setting and a Debian package), in the log.
    ("tsunagu/core/pdf.py", "FONT_MISSING_MESSAGE"),
}
# Whole modules whose Japanese text is not a message: the API schema's descriptions are Japanese documentation
# (docs/api.md); the demo generator writes synthetic Japanese data.
NOT_MESSAGE_MODULES = ("serializers.py", "api.py", "/demo/")
# Guards against programming errors (saving an audit entry twice, making a token outside its service): no user
# reaches them through a page.
PROGRAMMING_GUARDS = {"tsunagu/audit/models.py", "tsunagu/accounts/models.py"}


def marked(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
    return name in MARKERS


def japanese_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(JAPANESE.search(node.value))


def unmarked_messages() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = str(path.relative_to(PACKAGE.parent))
        skip = ("tests", "migrations", "testing", "tests_browser", "tests_project")
        if any(part in path.parts for part in skip) or relative.endswith(NOT_MESSAGE_MODULES):
            continue
        if any(module in relative for module in NOT_MESSAGE_MODULES if module.startswith("/")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            node.targets[0].id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        }
        for name, value in constants.items():
            if name.endswith(("_MESSAGE", "_HEAD", "_NOTE")) and japanese_literal(value):
                if (relative, name) not in NOT_MESSAGES:
                    found.append(f"{relative}:{value.lineno} {name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and relative not in PROGRAMMING_GUARDS:
                for argument in node.exc.args:
                    if japanese_literal(argument):
                        found.append(f"{relative}:{node.lineno} raise with unmarked text")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("success", "error", "info", "warning"):
                if isinstance(node.func.value, ast.Name) and node.func.value.id == "messages":
                    found += [f"{relative}:{node.lineno} message" for a in node.args[1:] if japanese_literal(a)]
            if isinstance(node, ast.keyword) and node.arg in ("label", "help_text", "empty_label"):
                if japanese_literal(node.value):
                    found.append(f"{relative}:{node.value.lineno} {node.arg}=")
    return found


def test_every_message_a_person_reads_is_marked_for_translation():
    assert unmarked_messages() == []


def test_the_check_finds_an_unmarked_message(tmp_path, monkeypatch):
    module = tmp_path / "tsunagu" / "probe" / "checks.py"
    module.parent.mkdir(parents=True)
    module.write_text('PROBE_MESSAGE = "未訳の文言"\n\ndef f():\n    raise ValueError("未訳")\n', encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "tsunagu")
    assert unmarked_messages() == [
        "tsunagu/probe/checks.py:1 PROBE_MESSAGE",
        "tsunagu/probe/checks.py:4 raise with unmarked text",
    ]
