"""The audit log's models, moved from tsunagu.access: the tables already exist (access_auditentry and
access_audithead), so this only takes over Django's model state; 0002 renames the tables."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [("access", "0002_append_only_triggers")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='AuditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.PositiveBigIntegerField(unique=True, verbose_name='通番')),
                        ('at', models.DateTimeField(db_index=True, verbose_name='日時')),
                        ('actor_id_value', models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name='利用者ID')),
                        ('actor_username', models.CharField(blank=True, max_length=150, verbose_name='利用者')),
                        ('action', models.CharField(choices=[('view', '閲覧'), ('search', '検索'), ('list', '一覧'), ('export', '出力'), ('create', '登録'), ('update', '変更'), ('import', '取込'), ('denied', 'アクセス拒否'), ('login', 'ログイン'), ('login_failed', 'ログイン失敗'), ('logout', 'ログアウト')], db_index=True, max_length=20, verbose_name='操作')),
                        ('channel', models.CharField(choices=[('web', '画面'), ('api', 'API'), ('cli', 'コマンド')], default='web', max_length=10, verbose_name='経路')),
                        ('target_type', models.CharField(blank=True, max_length=40, verbose_name='対象の種類')),
                        ('target_ids', models.JSONField(blank=True, default=list, verbose_name='対象ID')),
                        ('query', models.CharField(blank=True, max_length=500, verbose_name='検索条件')),
                        ('purpose', models.CharField(blank=True, max_length=200, verbose_name='利用目的')),
                        ('detail', models.JSONField(blank=True, default=dict, verbose_name='詳細')),
                        ('ip_address', models.CharField(blank=True, max_length=45, verbose_name='接続元')),
                        ('path', models.CharField(blank=True, max_length=500, verbose_name='URL')),
                        ('prev_hash', models.CharField(max_length=64)),
                        ('hash', models.CharField(max_length=64, unique=True)),
            ],
            options={
                'db_table': 'access_auditentry',
                'verbose_name': '監査ログ',
                'verbose_name_plural': '監査ログ',
                'ordering': ['-seq'],
            },
        ),
        migrations.CreateModel(
            name='AuditHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveBigIntegerField(default=0)),
                ('hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
            ],
            options={
                'db_table': 'access_audithead',
                'verbose_name': '監査ログの末尾',
                'verbose_name_plural': '監査ログの末尾',
            },
        ),
            ],
        )
    ]
