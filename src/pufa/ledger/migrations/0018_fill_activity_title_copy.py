"""Copy each activity's title onto its participation rows, as the ledger services write it from now on (0017),
and on PostgreSQL gather the new column's statistics at once: the office's title search relies on the planner
knowing how common a word is among the titles."""

from django.db import migrations

SQLITE = "UPDATE {rows} SET title = COALESCE((SELECT title FROM {activities} WHERE id = {rows}.activity_id), '')"

POSTGRES = "UPDATE {rows} AS au SET title = a.title FROM {activities} AS a WHERE a.id = au.activity_id"


def fill(apps, schema_editor):
    Activity = apps.get_model("ledger", "Activity")
    ActivityUnit = apps.get_model("ledger", "ActivityUnit")
    activities, rows = Activity._meta.db_table, ActivityUnit._meta.db_table
    postgres = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute((POSTGRES if postgres else SQLITE).format(rows=rows, activities=activities))
    if postgres:
        schema_editor.execute(f"ANALYZE {rows}")


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0017_activity_title_copy"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
