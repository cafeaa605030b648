# Every town and district belongs to a municipality (the home one, made by 0003, for the existing rows).

import django.db.models.deletion
from django.db import migrations, models

import tsunagu.areas.models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0003_municipality"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="district",
            name="district_code_unique_per_type",
        ),
        migrations.AddField(
            model_name="district",
            name="municipality",
            field=models.ForeignKey(
                default=tsunagu.areas.models.home_municipality_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="districts",
                to="areas.municipality",
                verbose_name="市区町村",
            ),
        ),
        migrations.AddField(
            model_name="town",
            name="municipality",
            field=models.ForeignKey(
                default=tsunagu.areas.models.home_municipality_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="towns",
                to="areas.municipality",
                verbose_name="市区町村",
            ),
        ),
        migrations.AddConstraint(
            model_name="district",
            constraint=models.UniqueConstraint(
                fields=("municipality", "district_type", "code"), name="district_code_unique_per_ward_and_type"
            ),
        ),
    ]
