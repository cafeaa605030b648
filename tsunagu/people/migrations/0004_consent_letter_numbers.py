"""Each consent-request letter gets its own number (整理番号, R8-000123 by 年度), and a consent decision names the
letter it answers. Letters already recorded are numbered in the order they were sent."""

import datetime

import django.db.models.deletion
from django.db import migrations, models


def _prefix(sent_on: datetime.date) -> str:
    """people.models.letter_number_prefix, frozen here as migrations must be: the 年度 in 和暦, named by the era of
    its December (letters exist only since 令和; 平成 covers a back-dated one)."""
    fiscal_year = sent_on.year if sent_on.month >= 4 else sent_on.year - 1
    return f"R{fiscal_year - 2018}-" if fiscal_year >= 2019 else f"H{fiscal_year - 1988}-"


def number_existing_letters(apps, schema_editor) -> None:
    ConsentRequest = apps.get_model("people", "ConsentRequest")
    counters: dict[str, int] = {}
    requests = list(ConsentRequest.objects.order_by("sent_on", "id"))
    for request in requests:
        prefix = _prefix(request.sent_on)
        counters[prefix] = counters.get(prefix, 0) + 1
        request.letter_number = f"{prefix}{counters[prefix]:06d}"
    ConsentRequest.objects.bulk_update(requests, ["letter_number"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_consentrequest"),
    ]

    operations = [
        migrations.AddField(
            model_name="consentrequest",
            name="letter_number",
            field=models.CharField(max_length=20, null=True, verbose_name="整理番号"),
        ),
        migrations.RunPython(number_existing_letters, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="consentrequest",
            name="letter_number",
            field=models.CharField(max_length=20, unique=True, verbose_name="整理番号"),
        ),
        migrations.AddField(
            model_name="consent",
            name="consent_request",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="replies",
                to="people.consentrequest",
                verbose_name="回答した同意確認書",
            ),
        ),
    ]
