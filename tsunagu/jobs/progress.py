"""Where a running job's progress and heartbeat live: the queue's own store (the SQLite queue file, Redis, or
memory in immediate mode), not the database. A job's work is one database transaction (on SQLite it holds the
write lock to the end), so a progress row written beside it could be neither seen nor written until it ends."""

from __future__ import annotations

import time
from dataclasses import dataclass

from huey.contrib.djhuey import HUEY


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str
    beat: float  # time.time() of the worker's last sign of life


def _key(job_id: int) -> str:
    return f"tsunagu:job:{job_id}"


def progress_put(job_id: int, *, done: int, total: int, message: str) -> None:
    HUEY.put(_key(job_id), {"done": done, "total": total, "message": message, "beat": time.time()})


def progress_get(job_id: int) -> Progress | None:
    data = HUEY.get(_key(job_id), peek=True)
    if not data:
        return None
    return Progress(done=data["done"], total=data["total"], message=data["message"], beat=data["beat"])


def progress_delete(job_id: int) -> None:
    HUEY.delete(_key(job_id))
