"""Concurrent writes in tests: several threads, each with its own database connection, as a web server's."""

import threading
from collections.abc import Callable

from django.db import connections


class Together:
    """Run writes at the same moment from several threads, each with its own database connection, as the web
    server's threads would. The data they need must be committed: the fixture runs the test as transactional_db
    (on SQLite the test database is a file for that, see config/settings/test.py)."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def meet_before(self, owner: object, name: str, *, parties: int, wait: float = 0.5) -> None:
        """Make callers of ``owner.name`` wait for each other (at most ``wait`` seconds) just before it runs.
        Unserialised writers all arrive and pass together, after every one of them has done its reads: the race
        is certain, not left to the scheduler. Serialised writers arrive one at a time: the first wait times
        out, the barrier breaks, and the rest go straight through."""
        barrier = threading.Barrier(parties)
        original = getattr(owner, name)

        def waiting(*args, **kwargs):
            try:
                barrier.wait(timeout=wait)
            except threading.BrokenBarrierError:
                pass
            return original(*args, **kwargs)

        self.monkeypatch.setattr(owner, name, waiting)

    def run(self, *calls: Callable[[], object], timeout: float = 60) -> list[object]:
        """Start every call at once (a Barrier); each one's result or the exception it raised, in order."""
        start = threading.Barrier(len(calls))
        results: list[object] = [None] * len(calls)

        def worker(i: int, call: Callable[[], object]) -> None:
            try:
                start.wait(timeout=timeout)
                results[i] = call()
            except Exception as error:  # the test looks at every outcome, errors included
                results[i] = error
            finally:
                connections.close_all()  # this thread's connections; PostgreSQL cannot drop a database in use

        threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
        assert not any(thread.is_alive() for thread in threads), "a concurrent call did not finish"
        return results
