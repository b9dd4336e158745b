"""Copy each activity's typical-practice flag onto its participation rows, as the ledger services write it
from now on: one UPDATE, the same SQL on SQLite and PostgreSQL."""

from django.db import migrations


def fill(apps, schema_editor):
    Activity = apps.get_model("ledger", "Activity")
    ActivityUnit = apps.get_model("ledger", "ActivityUnit")
    activities, rows = Activity._meta.db_table, ActivityUnit._meta.db_table
    schema_editor.execute(
        f"UPDATE {rows} SET is_highlight = TRUE WHERE activity_id IN (SELECT id FROM {activities} WHERE is_highlight)"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0013_highlight_copy"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
