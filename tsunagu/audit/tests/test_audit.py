"""The audit log is append-only and hash-chained; `tsunagu audit verify` finds altered or deleted entries."""

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tsunagu.audit.models import GENESIS_HASH, AuditAction, AuditEntry, AuditHead
from tsunagu.audit.selectors import audit_verify
from tsunagu.audit.services import audit_record
from tsunagu.testing.audit import tamper

# The `chain` fixture (five entries on an empty log) is in this folder's conftest.py.


def test_entries_are_numbered_and_chained(chain):
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5]
    assert chain[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(chain))
    assert AuditHead.objects.get().seq == 5
    assert audit_verify() == (5, [])


def test_records_who_what_and_why(ward, rf):
    request = rf.get("/people/", {"q": "たかはし"}, REMOTE_ADDR="192.0.2.7")
    entry = audit_record(
        actor=ward.ward_officer,
        action=AuditAction.EXPORT,
        target_type="person",
        target_ids=[3, 1, 3],
        query="q=たかはし",
        purpose="災害に備えた避難支援の準備",
        request=request,
    )
    entry.refresh_from_db()
    assert entry.actor_username == "ward_officer"
    assert entry.actor_id_value == ward.ward_officer.pk
    assert entry.target_ids == [1, 3]
    assert (entry.channel, entry.ip_address, entry.path) == (
        "web",
        "192.0.2.7",
        "/people/?q=%E3%81%9F%E3%81%8B%E3%81%AF%E3%81%97",
    )
    assert entry.purpose == "災害に備えた避難支援の準備"
    assert entry.compute_hash() == entry.hash


def test_the_orm_refuses_to_change_or_delete(chain):
    entry = chain[0]
    entry.purpose = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(seq=1).update(purpose="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_the_database_refuses_raw_updates_and_deletes(chain):
    for sql in (
        "UPDATE audit_auditentry SET purpose = 'x' WHERE seq = 1",
        "DELETE FROM audit_auditentry WHERE seq = 2",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.count() == 5


def test_verify_reports_an_altered_entry(chain):
    tamper("UPDATE audit_auditentry SET target_ids = %s WHERE seq = 3", ["[99]"])
    checked, problems = audit_verify()
    assert checked == 5
    assert [(p.seq, p.message) for p in problems] == [(3, "記録の内容が書き換えられています（ハッシュ不一致）。")]


def test_verify_reports_a_deleted_entry(chain):
    tamper("DELETE FROM audit_auditentry WHERE seq = %s", [2])
    checked, problems = audit_verify()
    assert checked == 4
    assert [(p.seq, p.message) for p in problems] == [(3, "通番2〜2の記録が削除されています。")]


def test_verify_reports_a_deleted_tail(chain):
    tamper("DELETE FROM audit_auditentry WHERE seq >= %s", [4])
    _, problems = audit_verify()
    assert [(p.seq, p.message) for p in problems] == [(5, "末尾の記録が失われています（最終通番は5のはずが3です）。")]


def test_verify_reports_a_rewritten_entry_with_a_recomputed_hash(chain):
    # Recomputing the altered entry's own hash still breaks the link to the next entry.
    entry = chain[1]
    entry.purpose = "書き換え"
    tamper("UPDATE audit_auditentry SET purpose = %s, hash = %s WHERE seq = 2", ["書き換え", entry.compute_hash()])
    _, problems = audit_verify()
    assert [(p.seq, p.message) for p in problems] == [(3, "直前の記録とのつながり（ハッシュ）が一致しません。")]


def test_the_verify_command_fails_on_tampering_and_passes_when_clean(chain, capsys):
    call_command("audit_verify")
    assert "監査ログ 5 件を検証しました。改ざん・削除は見つかりませんでした。" in capsys.readouterr().out
    tamper("UPDATE audit_auditentry SET actor_username = %s WHERE seq = 4", ["someone_else"])
    with pytest.raises(CommandError, match="1 件の問題"):
        call_command("audit_verify")
    assert "通番 4: 記録の内容が書き換えられています" in capsys.readouterr().err
