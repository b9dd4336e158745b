"""Copy each activity's typical-practice flag and task ids onto its participation rows, as the ledger
services write them from now on (task ids as ",41,57,", like 0011's domain and audience copies)."""

from django.db import migrations

TASKS_SQLITE = """
UPDATE {rows} SET task_keys = COALESCE((
    SELECT ',' || group_concat(task_id, ',') || ','
    FROM (SELECT task_id FROM {links} WHERE activity_id = {rows}.activity_id ORDER BY task_id)
), '')
"""

TASKS_POSTGRES = """
UPDATE {rows} AS au SET task_keys = keys.k
FROM (
    SELECT activity_id, ',' || string_agg(task_id::text, ',' ORDER BY task_id) || ',' AS k
    FROM {links} GROUP BY activity_id
) AS keys
WHERE keys.activity_id = au.activity_id
"""


def fill(apps, schema_editor):
    Activity = apps.get_model("ledger", "Activity")
    ActivityUnit = apps.get_model("ledger", "ActivityUnit")
    activities, rows = Activity._meta.db_table, ActivityUnit._meta.db_table
    links = Activity._meta.get_field("tasks").remote_field.through._meta.db_table
    schema_editor.execute(
        f"UPDATE {rows} SET is_highlight = TRUE WHERE activity_id IN (SELECT id FROM {activities} WHERE is_highlight)"
    )
    sql = TASKS_POSTGRES if schema_editor.connection.vendor == "postgresql" else TASKS_SQLITE
    schema_editor.execute(sql.format(rows=rows, links=links))


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0013_highlight_and_task_copies"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
