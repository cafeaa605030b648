"""Municipalities (全国地方公共団体コード): one instance may serve several wards of a city. The home municipality
is made from the settings (TSUNAGU_MUNICIPALITY_CODE, default 271080 = 大阪市大正区; TSUNAGU_WARD_NAME;
TSUNAGU_MUNICIPALITY_NAME), so the existing towns, districts, organisations and roster builds belong to it (next
migrations). A deployment for another ward sets TSUNAGU_MUNICIPALITY_CODE first or corrects the code in the admin."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import tsunagu.areas.models


def create_home(apps, schema_editor):
    Municipality = apps.get_model("areas", "Municipality")
    ward = getattr(settings, "TSUNAGU_WARD_NAME", "")
    Municipality.objects.get_or_create(
        code=getattr(settings, "TSUNAGU_MUNICIPALITY_CODE", tsunagu.areas.models.HOME_CODE_PLACEHOLDER),
        defaults={"name": ward, "full_name": f"{getattr(settings, 'TSUNAGU_MUNICIPALITY_NAME', '')}{ward}"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0002_town_postal_code"),
    ]

    operations = [
        migrations.CreateModel(
            name="Municipality",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "code",
                    models.CharField(
                        max_length=6,
                        unique=True,
                        validators=[tsunagu.areas.models.validate_local_government_code],
                        verbose_name="全国地方公共団体コード",
                    ),
                ),
                ("name", models.CharField(max_length=60, verbose_name="名称")),
                (
                    "full_name",
                    models.CharField(help_text="例：大阪府大阪市大正区", max_length=100, verbose_name="住所の表記"),
                ),
            ],
            options={
                "verbose_name": "市区町村",
                "verbose_name_plural": "市区町村",
                "ordering": ["code"],
            },
        ),
        migrations.AddField(
            model_name="municipality",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                help_text="政令指定都市の区のとき、その市。",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="wards",
                to="areas.municipality",
                verbose_name="市",
            ),
        ),
        migrations.RunPython(create_home, migrations.RunPython.noop),
    ]
