"""The queue's classes named in settings.HUEY. Loaded while Django loads its apps: no models here."""

from pathlib import Path

from huey import SqliteHuey


class SqliteQueue(SqliteHuey):
    """huey's SQLite queue, which opens its file at once: its folder (var/ on a fresh checkout) is made first."""

    def get_storage(self, **kwargs: object) -> object:
        filename = kwargs.get("filename")
        if filename:
            Path(str(filename)).parent.mkdir(parents=True, exist_ok=True)
        return super().get_storage(**kwargs)
