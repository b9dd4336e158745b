"""Copy each activity's form onto its participant rows (the office list filters by it there). Reversible:
going back leaves the column to be dropped by 0003's reversal. Imports no app code."""

from django.db import migrations


def forwards(apps, schema_editor):
    ActivityUnit = apps.get_model("ledger", "ActivityUnit")
    Activity = apps.get_model("ledger", "Activity")
    quote = schema_editor.connection.ops.quote_name
    participants, activities = quote(ActivityUnit._meta.db_table), quote(Activity._meta.db_table)
    schema_editor.execute(
        f"UPDATE {participants} SET {quote('kind_id')} = (SELECT a.{quote('kind_id')} FROM {activities} a "
        f"WHERE a.{quote('id')} = {participants}.{quote('activity_id')})"
    )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_participant_kind")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
