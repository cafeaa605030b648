from __future__ import annotations


class WatchError(ValueError):
    """A watch-over write was refused for its content; `messages` say why, in the user's language."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(str(m) for m in messages))
        self.messages = messages
