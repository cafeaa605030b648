"""Phone numbers are stored in half-width form (issue 6, item 15): rewrite the ones stored before the import
normalised them (０６－６５５５－０１０１, 06ー6555ー0101 → 06-6555-0101) with the same function the import uses.

Only the phone column changes: updated_at stays, since the number itself is the same. A value whose half-width
form would no longer fit the column (NFKC spells ℡ as TEL) is left as it was for staff to correct."""

from django.db import migrations

from tsunagu.core.japanese import normalize_phone

BATCH_SIZE = 1000


def normalise_phones(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    limit = Person._meta.get_field("phone").max_length
    changed = []
    for pk, phone in Person.objects.exclude(phone="").values_list("pk", "phone").iterator(chunk_size=5000):
        stored = normalize_phone(phone)
        if stored != phone and len(stored) <= limit:
            changed.append(Person(pk=pk, phone=stored))
    Person.objects.bulk_update(changed, ["phone"], batch_size=BATCH_SIZE)


class Migration(migrations.Migration):
    dependencies = [("people", "0004_consent_letter_numbers")]

    # Not reversible in content (the full-width spelling is not kept), and nothing needs it back.
    operations = [migrations.RunPython(normalise_phones, migrations.RunPython.noop)]
