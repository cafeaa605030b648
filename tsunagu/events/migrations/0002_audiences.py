from django.db import migrations

CODES = ["elderly", "parenting", "disability", "foreign_roots", "youth", "children"]


def create(apps, schema_editor):
    Audience = apps.get_model("events", "Audience")
    for code in CODES:
        Audience.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
