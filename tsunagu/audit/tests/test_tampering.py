"""Issue 6, item 9: tampering that a plain hash chain misses. The chain is keyed (HMAC, key from settings) and each
committed entry leaves a signed line in a checkpoint file outside the database, so someone who can write the
database, but has neither the key nor the checkpoint directory, cannot rewrite the log, cut its tail off or
delete its head without `tsunagu audit verify` saying so."""

import datetime
import hashlib
import hmac

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone, translation

from tsunagu.audit import checkpoint, selectors
from tsunagu.audit.checkpoint import checkpoint_file
from tsunagu.audit.keys import audit_keys, key_id
from tsunagu.audit.models import HEAD_REBUILT_DETAIL, AuditAction, AuditEntry, AuditHead
from tsunagu.audit.selectors import audit_verify
from tsunagu.audit.services import audit_record
from tsunagu.testing.audit import plain_sha256, rewrite_from, tamper, write_unkeyed_entry

# The real hook, taken before tsunagu/conftest.py swaps it for one that writes at once.
WRITE_AFTER_COMMIT = checkpoint.run_after_commit
LATER = timezone.now() + datetime.timedelta(hours=2)  # a check long after the entries: their lines are due


def says(message, **params) -> str:
    return str(message) % params if params else str(message)


def problems_of(**kwargs) -> list[tuple[int, str]]:
    return [(p.seq, p.message) for p in audit_verify(**kwargs)[1]]


def checkpoint_lines() -> list[str]:
    return checkpoint_file(timezone.localdate()).read_text(encoding="utf-8").splitlines()


def write_checkpoint_lines(lines: list[str]) -> None:
    checkpoint_file(timezone.localdate()).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


# --- what is written ------------------------------------------------------------------------------------------


def test_entries_are_keyed_and_each_leaves_a_signed_checkpoint_line(chain, settings):
    entry = chain[-1]

    assert entry.key_id == key_id(settings.TSUNAGU_AUDIT_KEY.encode()) != ""
    assert entry.hash == hmac.new(settings.TSUNAGU_AUDIT_KEY.encode(), entry.canonical().encode(), "sha256").hexdigest()
    assert entry.hash != plain_sha256(entry)  # what someone without the key would compute
    lines = checkpoint_lines()
    assert [line.split("\t")[0] for line in lines] == ["1", "2", "3", "4", "5"]
    assert lines[-1].split("\t")[2:4] == [entry.hash, entry.key_id]
    assert audit_verify(now=LATER) == (5, [])


def test_the_checkpoint_line_is_written_only_when_the_entry_commits(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(checkpoint, "run_after_commit", WRITE_AFTER_COMMIT)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_record(actor=None, action=AuditAction.VIEW, username="rolled_back")
            raise RuntimeError("the access failed after its entry was written")
        assert not checkpoint_file(timezone.localdate()).exists()  # nothing before the commit
        kept = audit_record(actor=None, action=AuditAction.VIEW, username="kept")

    # The rolled-back entry's number went to the next entry; a line written for it would now look like tampering.
    assert [line.split("\t")[:1] + line.split("\t")[2:3] for line in checkpoint_lines()] == [[str(kept.seq), kept.hash]]
    assert audit_verify(now=LATER) == (1, [])


# --- a rewritten entry, every later hash recomputed ------------------------------------------------------------


def _purpose_rewritten(entry: AuditEntry) -> None:
    entry.purpose = "書き換え"


def test_a_rewrite_recomputed_as_unkeyed_entries_is_reported(chain):
    """Without the key, the rewriter can only make plain SHA-256 hashes, as the entries before the key had."""

    def as_unkeyed(entry: AuditEntry) -> str:
        entry.key_id = ""
        return plain_sha256(entry)

    rewrite_from(3, change=_purpose_rewritten, rehash=as_unkeyed)

    assert problems_of() == [(seq, says(selectors.UNKEYED_AFTER_KEYED_MESSAGE)) for seq in (3, 4, 5)]


def test_a_rewrite_recomputed_with_a_guessed_key_is_reported(chain):
    guessed = b"a key the attacker made up"
    rewrite_from(
        3, change=_purpose_rewritten, rehash=lambda e: hmac.new(guessed, e.canonical().encode(), "sha256").hexdigest()
    )

    assert problems_of() == [(seq, says(selectors.ALTERED_MESSAGE)) for seq in (3, 4, 5)]


def test_a_rewrite_with_the_stolen_key_is_caught_by_the_checkpoint(chain):
    """With the key, the chain itself verifies again: the checkpoint line kept outside the database does not."""
    rewrite_from(3, change=_purpose_rewritten, rehash=lambda e: e.compute_hash())

    assert problems_of() == [(5, says(selectors.CHECKPOINT_MISMATCH_MESSAGE))]


# --- a truncated tail, the head moved back or deleted ----------------------------------------------------------


def test_a_truncated_tail_with_the_head_moved_back_is_reported(chain):
    tamper("DELETE FROM audit_auditentry WHERE seq >= %s", [4])
    tamper("UPDATE audit_audithead SET seq = %s, hash = %s WHERE id = 1", [3, chain[2].hash])

    assert problems_of() == [(5, says(selectors.CHECKPOINT_TAIL_LOST_MESSAGE, checkpoint=5, last=3))]


def test_a_truncated_tail_with_the_head_deleted_is_reported(chain):
    tamper("DELETE FROM audit_auditentry WHERE seq >= %s", [4])
    tamper("DELETE FROM audit_audithead", [])

    assert problems_of() == [
        (3, says(selectors.HEAD_MISSING_MESSAGE, last=3)),
        (5, says(selectors.CHECKPOINT_TAIL_LOST_MESSAGE, checkpoint=5, last=3)),
    ]


def test_the_whole_log_deleted_with_its_head_is_reported(chain):
    tamper("DELETE FROM audit_auditentry", [])
    tamper("DELETE FROM audit_audithead", [])

    assert audit_verify() == (
        0,
        [selectors.AuditProblem(5, says(selectors.CHECKPOINT_TAIL_LOST_MESSAGE, checkpoint=5, last=0))],
    )


def test_a_head_moved_without_truncating_is_reported(chain):
    tamper("UPDATE audit_audithead SET seq = %s, hash = %s WHERE id = 1", [3, chain[2].hash])

    assert problems_of() == [(3, says(selectors.HEAD_MISMATCH_MESSAGE, head=3, last=5))]


# --- a deleted head row ----------------------------------------------------------------------------------------


def test_a_deleted_head_row_is_reported(chain):
    tamper("DELETE FROM audit_audithead", [])

    assert problems_of() == [(5, says(selectors.HEAD_MISSING_MESSAGE, last=5))]


def test_after_a_deleted_head_row_the_next_entry_continues_the_chain_and_keeps_the_evidence(chain):
    tamper("DELETE FROM audit_audithead", [])

    entry = audit_record(actor=None, action=AuditAction.VIEW, username="next_user", detail={"page": 1})

    # Access is not refused (the roster may be needed in a disaster); the event is sealed into the keyed entry.
    assert (entry.seq, entry.prev_hash) == (6, chain[-1].hash)
    assert entry.detail == {"page": 1, HEAD_REBUILT_DETAIL: 5}
    assert (AuditHead.objects.get().seq, AuditHead.objects.get().hash) == (6, entry.hash)
    assert problems_of() == [(6, says(selectors.HEAD_REBUILT_MESSAGE))]


# --- keys ------------------------------------------------------------------------------------------------------


def test_with_the_wrong_key_every_keyed_entry_and_the_checkpoint_are_reported(chain, settings):
    written_with = chain[0].key_id
    settings.TSUNAGU_AUDIT_KEY = "another server's key, not the one that signed the log"

    assert problems_of() == [
        *((seq, says(selectors.UNKNOWN_KEY_MESSAGE, key_id=written_with)) for seq in (1, 2, 3, 4, 5)),
        (1, says(selectors.CHECKPOINT_UNKNOWN_KEY_MESSAGE, file=checkpoint_file(timezone.localdate()).name, count=5)),
    ]


def test_a_rotated_key_keeps_older_entries_verifiable_while_it_is_listed(chain, settings):
    old_key = settings.TSUNAGU_AUDIT_KEY
    settings.TSUNAGU_AUDIT_KEY = "the new key after a rotation, 32 characters or more"
    settings.TSUNAGU_AUDIT_OLD_KEYS = [old_key]

    newer = audit_record(actor=None, action=AuditAction.VIEW, username="after_rotation")

    assert newer.key_id == audit_keys().current_id != chain[0].key_id
    assert audit_verify(now=LATER) == (6, [])
    settings.TSUNAGU_AUDIT_OLD_KEYS = []  # the old key forgotten: its entries can no longer be checked
    assert [seq for seq, message in problems_of() if message.startswith("この記録を署名した鍵")] == [1, 2, 3, 4, 5]


# --- entries written before the key ----------------------------------------------------------------------------


@pytest.fixture
def upgraded(db):
    """A log from before the upgrade (three unkeyed entries, no checkpoint), then two written since."""
    older = [write_unkeyed_entry(query=f"q{i}") for i in range(3)]
    newer = [audit_record(actor=None, action=AuditAction.VIEW, username="after_upgrade") for _ in range(2)]
    return older + newer


def test_unkeyed_entries_from_before_the_key_still_verify(upgraded):
    assert [e.key_id == "" for e in upgraded] == [True, True, True, False, False]
    assert upgraded[3].prev_hash == upgraded[2].hash  # the first keyed entry seals the unkeyed ones
    assert audit_verify(now=LATER) == (5, [])


def test_an_altered_unkeyed_entry_is_reported(upgraded):
    tamper("UPDATE audit_auditentry SET query = %s WHERE seq = 2", ["書き換え"])

    assert problems_of() == [(2, says(selectors.ALTERED_MESSAGE))]


def test_unkeyed_entries_rewritten_with_recomputed_hashes_break_at_the_first_keyed_one(upgraded):
    """Anyone can recompute plain hashes, but not the keyed entry that covers the last of them."""
    prev_hash = upgraded[0].hash
    for entry in upgraded[1:3]:
        entry.purpose = "書き換え"
        entry.prev_hash = prev_hash
        entry.hash = plain_sha256(entry)
        tamper(
            "UPDATE audit_auditentry SET purpose = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [entry.purpose, entry.prev_hash, entry.hash, entry.seq],
        )
        prev_hash = entry.hash

    assert problems_of() == [(4, says(selectors.LINK_MESSAGE))]


# --- the checkpoint files --------------------------------------------------------------------------------------


def test_missing_checkpoint_files_are_reported_once_the_entries_are_due(chain, audit_checkpoints):
    for path in audit_checkpoints.iterdir():
        path.unlink()

    # Lines are written at commit, which a long request may do a while after its entry's time: not yet due.
    assert problems_of() == []
    assert problems_of(now=LATER) == [(1, says(selectors.CHECKPOINT_MISSING_MESSAGE))]


def test_an_edited_checkpoint_line_is_reported(chain):
    lines = checkpoint_lines()
    seq, at, _hash, kid, signature = lines[3].split("\t")
    lines[3] = "\t".join([seq, at, hashlib.sha256(b"forged").hexdigest(), kid, signature])
    write_checkpoint_lines(lines)
    name = checkpoint_file(timezone.localdate()).name

    assert problems_of() == [(4, says(selectors.CHECKPOINT_EDITED_MESSAGE, file=name, count=1, line=4))]


def test_checkpoint_lines_cut_off_are_reported(chain):
    write_checkpoint_lines(checkpoint_lines()[:3])

    assert problems_of() == []  # within the grace period the last entries may still be committing
    assert problems_of(now=LATER) == [(4, says(selectors.CHECKPOINT_BEHIND_MESSAGE, first=4, count=2))]


def test_a_checkpoint_line_for_an_entry_the_log_never_had_is_reported(chain, settings):
    """An invented line needs the key; with it (but no database access) the damage shows as a lost tail."""
    keys = audit_keys()
    forged = checkpoint.checkpoint_line(seq=9, at=timezone.now(), hash_="f" * 64, kid=keys.current_id, keys=keys)
    write_checkpoint_lines([*checkpoint_lines(), forged])

    assert problems_of() == [(9, says(selectors.CHECKPOINT_TAIL_LOST_MESSAGE, checkpoint=9, last=5))]


# --- messages --------------------------------------------------------------------------------------------------


def test_problems_are_reported_in_english_when_english_is_chosen(chain):
    tamper("DELETE FROM audit_audithead", [])

    with translation.override("en"):
        _, problems = audit_verify()

    assert [p.message for p in problems] == [
        "The row that records where the log ends has been deleted (the log's last number is 5)."
    ]


def test_the_command_reports_checkpoint_damage(chain, capsys):
    tamper("DELETE FROM audit_auditentry WHERE seq >= %s", [4])
    tamper("UPDATE audit_audithead SET seq = %s, hash = %s WHERE id = 1", [3, chain[2].hash])

    with pytest.raises(CommandError, match="1 件の問題"):
        call_command("audit_verify")

    assert f"通番 5: {says(selectors.CHECKPOINT_TAIL_LOST_MESSAGE, checkpoint=5, last=3)}" in capsys.readouterr().err
