from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0004_fill_participant_kind'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='activityunit',
            index=models.Index(fields=['date', 'activity', 'region_path', 'status', 'kind', 'is_deleted'], name='ledger_au_list'),
        ),
    ]
