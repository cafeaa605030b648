# A migration of its own: on PostgreSQL the rows updated by 0004 must be committed before the column changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('disaster', '0004_event_persons'),
    ]

    operations = [
        migrations.AlterField(
            model_name='safetycurrent',
            name='town',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.town'),
        ),
        migrations.AlterField(
            model_name='safetycurrent',
            name='kana_key',
            field=models.CharField(max_length=200),
        ),
    ]
