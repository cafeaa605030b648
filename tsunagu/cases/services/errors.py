from __future__ import annotations


class CaseError(ValueError):
    """A write of the cases app refused for its content; `messages` say why, in the user's language."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(str(m) for m in messages))
        self.messages = messages
