"""Phone numbers are stored in half-width form (issue 6, item 15): rewrite the supporters' and supporter
candidates' phones stored before the plan form normalised them, with the function the form and imports use.

A value whose half-width form would no longer fit the column (NFKC spells ℡ as TEL) is left as it was."""

from django.db import migrations

from tsunagu.core.japanese import normalize_phone

BATCH_SIZE = 1000


def normalise_phones(apps, schema_editor):
    for model_name in ("PlanSupporter", "SupporterCandidate"):
        model = apps.get_model("evacuation", model_name)
        limit = model._meta.get_field("phone").max_length
        changed = []
        for pk, phone in model.objects.exclude(phone="").values_list("pk", "phone").iterator(chunk_size=5000):
            stored = normalize_phone(phone)
            if stored != phone and len(stored) <= limit:
                changed.append(model(pk=pk, phone=stored))
        model.objects.bulk_update(changed, ["phone"], batch_size=BATCH_SIZE)


class Migration(migrations.Migration):
    dependencies = [("evacuation", "0002_evacuationplan_created_at")]

    # Not reversible in content (the full-width spelling is not kept), and nothing needs it back.
    operations = [migrations.RunPython(normalise_phones, migrations.RunPython.noop)]
