from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0014_fill_highlight_and_task_copies'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='activityunit',
            index=models.Index(fields=['date', 'activity', 'region_path', 'status', 'kind', 'is_deleted', 'domain_keys', 'audience_keys', 'is_highlight', 'task_keys'], name='ledger_au_list'),
        ),
        migrations.AddIndex(
            model_name='activityunit',
            index=models.Index(fields=['region_path', 'date', 'activity', 'status', 'kind', 'is_deleted', 'domain_keys', 'audience_keys', 'is_highlight', 'task_keys'], name='ledger_au_region_list', opclasses=['varchar_pattern_ops', 'date_ops', 'int8_ops', 'varchar_ops', 'int8_ops', 'bool_ops', 'varchar_ops', 'varchar_ops', 'bool_ops', 'varchar_ops']),
        ),
    ]
