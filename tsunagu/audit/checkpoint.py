"""The head checkpoint: a copy of where the chain ends, kept outside the database.

The keyed hash stops anyone without the key from rewriting entries, but not from cutting off the newest ones and
moving AuditHead back (or deleting it): what is left still verifies. So once an entry is committed, one signed
line with its number and hash is appended to a file in `TSUNAGU_AUDIT_DIR`, one file per day
(`checkpoint-2026-12-01.log`). `tsunagu audit verify` then requires the log to reach the highest number in those
files with the same hash, and each day's last line to match its entry.

    seq <TAB> at <TAB> hash <TAB> key id <TAB> HMAC of the four fields

The line is written after the commit, never before: an entry that is rolled back gives its number to the next
one, and a line written for it would then look like tampering. A crash between the commit and the write loses
one line, which the next entry's line makes good. The same line also goes to the `tsunagu.audit.checkpoint`
logger, so that a deployment can ship it to a log server the database's users cannot reach."""

import datetime
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .keys import AuditKeys, UnknownAuditKeyError, mac

logger = logging.getLogger(__name__)
CHECKPOINT_PATTERN = "checkpoint-*.log"
_SIGNED_PREFIX = "tsunagu-audit-checkpoint"


def checkpoint_dir() -> Path:
    return Path(settings.TSUNAGU_AUDIT_DIR)


def checkpoint_file(day: datetime.date) -> Path:
    return checkpoint_dir() / f"checkpoint-{day.isoformat()}.log"


def _signed_text(seq: int, at: str, hash_: str, kid: str) -> str:
    return "\t".join([_SIGNED_PREFIX, str(seq), at, hash_, kid])


def checkpoint_line(*, seq: int, at: datetime.datetime, hash_: str, kid: str, keys: AuditKeys) -> str:
    at_text = at.isoformat(timespec="microseconds")
    signature = mac(keys.get(kid), _signed_text(seq, at_text, hash_, kid))
    return "\t".join([str(seq), at_text, hash_, kid, signature])


def checkpoint_append(line: str, day: datetime.date) -> None:
    """Append one line. A single write() on a file opened with O_APPEND, so lines from several processes never
    interleave. A failure is logged, not raised: the entry is already committed, and verify reports the gap."""
    path = checkpoint_file(day)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)
    except OSError:
        logger.exception("Could not append to the audit checkpoint file %s", path)
    logger.info(line)


def run_after_commit(write: Callable[[], None]) -> None:
    """When the transaction that wrote the entry commits. Tests, whose transaction never commits, swap this for
    one that writes at once (tsunagu/conftest.py)."""
    transaction.on_commit(write)


def checkpoint_after_commit(*, seq: int, at: datetime.datetime, hash_: str, kid: str, keys: AuditKeys) -> None:
    line = checkpoint_line(seq=seq, at=at, hash_=hash_, kid=kid, keys=keys)
    run_after_commit(partial(checkpoint_append, line, timezone.localdate(at)))


@dataclass(frozen=True)
class CheckpointLine:
    seq: int
    hash: str


@dataclass
class BadCheckpointFile:
    """Lines of one file that could not be trusted: unreadable or with a wrong signature (edited), or signed by a
    key this server does not have."""

    name: str
    first_line: int
    first_seq: int
    count: int = 0
    # True while every untrusted line so far names a key this server lacks (a wrong or missing key, not an edit).
    unknown_key: bool = True


@dataclass
class Checkpoints:
    files: int = 0
    head: CheckpointLine | None = None
    # The last line of each file (each day): where a rewrite is found even by someone who holds the key.
    anchors: dict[int, str] = field(default_factory=dict)
    bad: list[BadCheckpointFile] = field(default_factory=list)


def _parse(text: str, keys: AuditKeys) -> CheckpointLine:
    """One line, checked against its signature. Raises UnknownAuditKeyError or ValueError."""
    seq_text, at_text, hash_, kid, signature = text.split("\t")
    seq = int(seq_text)
    if mac(keys.get(kid), _signed_text(seq, at_text, hash_, kid)) != signature:
        raise ValueError("signature")
    return CheckpointLine(seq=seq, hash=hash_)


def _seq_of(text: str) -> int:
    try:
        return int(text.split("\t", 1)[0])
    except ValueError:
        return 0


def read_checkpoints(keys: AuditKeys) -> Checkpoints:
    """Every checkpoint file in the directory, line by line (memory stays small: only each file's last line and
    the highest one are kept)."""
    result = Checkpoints()
    directory = checkpoint_dir()
    if not directory.is_dir():
        return result
    for path in sorted(directory.glob(CHECKPOINT_PATTERN)):
        result.files += 1
        last: CheckpointLine | None = None
        bad: BadCheckpointFile | None = None
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, raw in enumerate(lines, start=1):
                text = raw.rstrip("\n")
                try:
                    line = _parse(text, keys)
                except (UnknownAuditKeyError, ValueError) as error:
                    if bad is None:
                        bad = BadCheckpointFile(name=path.name, first_line=number, first_seq=_seq_of(text))
                        result.bad.append(bad)
                    bad.count += 1
                    bad.unknown_key = bad.unknown_key and isinstance(error, UnknownAuditKeyError)
                    continue
                if last is None or line.seq > last.seq:
                    last = line
        if last is not None:
            result.anchors[last.seq] = last.hash
            if result.head is None or last.seq > result.head.seq:
                result.head = last
    return result
