"""The audit log: who saw or changed which personal data, when and why.

Entries are append-only and chained: each entry's hash covers its content and the previous entry's hash, and
AuditHead remembers the last sequence number and hash, so an altered, deleted or truncated entry is found by
`tsunagu audit verify`. The database refuses UPDATE and DELETE on the table (triggers in the migration). The
hash is keyed (HMAC with a key kept outside the database, tsunagu.audit.keys), so whoever can write the tables
still cannot recompute it, and each committed entry is also written to a checkpoint file outside the database
(tsunagu.audit.checkpoint), so a tail cut off together with the head is found too.

This app is the bottom floor above `core`: every other app writes here and it imports none of them."""

import hashlib
import json

from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.records import AppendOnly

from .keys import AuditKeys, audit_keys, mac


class AuditAction(models.TextChoices):
    VIEW = "view", _("閲覧")
    SEARCH = "search", _("検索")
    LIST = "list", _("一覧")
    EXPORT = "export", _("出力")
    CREATE = "create", _("登録")
    UPDATE = "update", _("変更")
    IMPORT = "import", _("取込")
    DENIED = "denied", _("アクセス拒否")
    LOGIN = "login", _("ログイン")
    LOGIN_FAILED = "login_failed", _("ログイン失敗")
    LOGOUT = "logout", _("ログアウト")


class AuditChannel(models.TextChoices):
    WEB = "web", _("画面")
    API = "api", _("API")
    CLI = "cli", _("コマンド")


class AuditTarget(models.TextChoices):
    """What an entry is about: a closed list, so every screen can name it in Japanese. A new kind of record
    that is audited gets its member here (and its English in the locale file)."""

    PERSON = "person", _("住民")
    AREA = "area", _("町丁目・地区")
    CONSENT = "consent", _("同意の管理")
    ROSTER = "roster", _("避難行動要支援者名簿")
    ROSTER_BUILD = "roster_build", _("名簿の版")
    ROSTER_RULE = "roster_rule", _("名簿登載の条件")
    ROSTER_DISTRIBUTION = "roster_distribution", _("名簿の提供記録")
    EVACUATION_PLAN = "evacuation_plan", _("個別避難計画")
    SUPPORTER_PROPOSAL = "supporter_proposal", _("避難支援者の提案")
    SHELTER = "shelter", _("避難所")
    WATCH_ASSIGNMENT = "watch_assignment", _("見守りの担当")
    WATCH_VISIT = "watch_visit", _("見守りの記録")
    WATCH_ESCALATION = "watch_escalation", _("専門職へのつなぎ")
    WATCH_ROUTE = "watch_route", _("見守りのつなぎ先")
    ACTIVITY_RECORD = "activity_record", _("民生委員の活動記録")
    CASE = "case", _("相談支援記録")
    CASE_TEAM = "case_team", _("支援チーム")
    REFERRAL = "referral", _("機関への紹介")
    CONFERENCE = "conference", _("支援会議")
    SUPPORT_PLAN = "support_plan", _("支援計画")
    DISASTER_EVENT = "disaster_event", _("災害")
    SAFETY_REPORT = "safety_report", _("安否確認")
    SHELTER_STAY = "shelter_stay", _("避難所の入退所")
    EVENT_SIGNUP = "event_signup", _("行事の申込")
    AUDIT = "audit", _("監査ログ")
    AUDIT_VERIFY = "audit_verify", _("監査ログの検査")
    API_TOKEN = "api_token", _("APIトークン")
    TOTP_DEVICE = "totp_device", _("認証アプリ")
    DEMO_WARD = "demo_ward", _("合成データの区")
    PAGE = "page", _("画面")
    FORUM = "forum", _("話し合いの場")
    VOLUNTEER = "volunteer", _("ボランティア")
    VOLUNTEER_NEED = "volunteer_need", _("地域ニーズ")
    VOLUNTEER_MATCH = "volunteer_match", _("ボランティアのマッチング")
    TRAINING = "training", _("研修の出欠・修了")
    SERVICE_SCHEME = "service_scheme", _("住民参加型サービス")
    SERVICE_MEMBER = "service_member", _("住民参加型サービスの会員")
    SERVICE_ACTIVITY = "service_activity", _("住民参加型サービスの活動")
    SERVICE_LEDGER = "service_ledger", _("会員の時間と料金の台帳")
    GRANT_CALL = "grant_call", _("つながり応援補助金の募集")
    GRANT_APPLICATION = "grant_application", _("つながり応援補助金の申請")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN003, ANN201
        raise PermissionError("監査ログは変更できません。")

    def delete(self):  # noqa: ANN201
        raise PermissionError("監査ログは削除できません。")


class AuditEntry(AppendOnly):
    history_name = "監査ログ"

    seq = models.PositiveBigIntegerField("通番", unique=True)
    at = models.DateTimeField("日時", db_index=True)
    # The actor is kept as plain values so the chain never depends on a user row that may change.
    actor_id_value = models.BigIntegerField("利用者ID", null=True, blank=True, db_index=True)
    actor_username = models.CharField("利用者", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices, db_index=True)
    channel = models.CharField("経路", max_length=10, choices=AuditChannel.choices, default=AuditChannel.WEB)
    target_type = models.CharField("対象の種類", max_length=40, blank=True, choices=AuditTarget.choices)
    target_ids = models.JSONField("対象ID", default=list, blank=True)
    query = models.CharField("検索条件", max_length=500, blank=True)
    purpose = models.CharField("利用目的", max_length=200, blank=True)
    detail = models.JSONField("詳細", default=dict, blank=True)
    ip_address = models.CharField("接続元", max_length=45, blank=True)
    path = models.CharField("URL", max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The key that signed this entry (tsunagu.audit.keys.key_id); empty for entries written before the chain was
    # keyed, whose hash is a plain SHA-256. Covered by the keyed hash, so it cannot be switched to another key.
    key_id = models.CharField("鍵ID", max_length=16, blank=True, default="")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.get_action_display()}"

    def canonical(self) -> str:
        """The exact text the hash covers. Field order and formats are fixed so both databases agree. Unkeyed
        (older) entries keep the text they were hashed with; keyed entries add their key's id."""
        fields = [
            self.seq,
            self.at.isoformat(timespec="microseconds"),
            self.actor_id_value,
            self.actor_username,
            self.action,
            self.channel,
            self.target_type,
            self.target_ids,
            self.query,
            self.purpose,
            self.detail,
            self.ip_address,
            self.path,
            self.prev_hash,
        ]
        if self.key_id:
            fields.append(self.key_id)
        return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def compute_hash(self, keys: AuditKeys | None = None) -> str:
        """The hash this entry must carry: HMAC-SHA-256 under the key it names, or plain SHA-256 for an entry
        from before the chain was keyed. Raises UnknownAuditKeyError if its key is not configured here."""
        if not self.key_id:
            return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()
        return mac((keys or audit_keys()).get(self.key_id), self.canonical())


GENESIS_HASH = "0" * 64
# Set in the detail of the entry written just after the head row was found missing while entries existed: the
# keyed hash seals the event into the chain, so verify reports it even after the row has been made again.
HEAD_REBUILT_DETAIL = "audit_head_rebuilt"


class AuditHead(models.Model):
    """One row (created by a migration): the last sequence number and hash. Updating it first serialises
    concurrent writers. Whoever can write the database can move it; the checkpoint files are the copy they cannot
    reach."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = "監査ログの末尾"
        verbose_name_plural = "監査ログの末尾"

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class AuditPurpose(models.TextChoices):
    """Purposes offered when personal data leaves the system (出力時の利用目的)."""

    DISASTER_PREP = "disaster_prep", _("災害に備えた避難支援の準備")
    WATCH = "watch", _("日常の見守り活動")
    CASE_WORK = "case_work", _("個別の相談支援")
    CONFERENCE = "conference", _("支援会議の資料")
    STATISTICS = "statistics", _("統計・計画の進捗確認")
    DATA_CHECK = "data_check", _("データの点検・修正")
