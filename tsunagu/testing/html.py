"""Reading rendered pages in tests: the main region, and form controls a person could not identify."""

from html.parser import HTMLParser


class _FormControls(HTMLParser):
    """Collects form controls and labels, to check that every control a person fills in has a label."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "label":
            self._label_depth += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        elif tag in ("input", "select", "textarea"):
            if attributes.get("type") in ("hidden", "submit", "button", "reset", "image"):
                return
            self.controls.append({**attributes, "_tag": tag, "_in_label": "yes" if self._label_depth else ""})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_depth:
            self._label_depth -= 1


def unlabelled_controls(html: str) -> list[str]:
    """Controls with no <label for=…>, no wrapping <label> and no aria-label(ledby): empty means all labelled."""
    parser = _FormControls()
    parser.feed(html)
    missing = []
    for control in parser.controls:
        labelled = (
            control.get("id", "") in parser.label_for
            or control["_in_label"]
            or control.get("aria-label")
            or control.get("aria-labelledby")
        )
        if not labelled:
            missing.append(f"<{control['_tag']} name={control.get('name', '')!r}>")
    return missing


def main_html(response) -> str:
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]
