"""Copy each activity's domain and audience ids onto its participation rows (",3,12,"), as the ledger services
write them from now on. One UPDATE per copy, in the database's own dialect, so a city of a million activities
is filled in seconds rather than row by row."""

from django.db import migrations

SQLITE = """
UPDATE ledger_activityunit SET {field} = COALESCE((
    SELECT ',' || group_concat({column}, ',') || ','
    FROM (SELECT {column} FROM {links} WHERE activity_id = ledger_activityunit.activity_id ORDER BY {column})
), '')
"""

POSTGRES = """
UPDATE ledger_activityunit AS au SET {field} = keys.k
FROM (
    SELECT activity_id, ',' || string_agg({column}::text, ',' ORDER BY {column}) || ',' AS k
    FROM {links} GROUP BY activity_id
) AS keys
WHERE keys.activity_id = au.activity_id
"""


def fill(apps, schema_editor):
    sql = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    Activity = apps.get_model("ledger", "Activity")
    for field, relation, column in (("domain_keys", "domains", "domain_id"), ("audience_keys", "audiences", "audience_id")):
        links = Activity._meta.get_field(relation).remote_field.through._meta.db_table
        schema_editor.execute(sql.format(field=field, column=column, links=links))


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0010_participation_keys"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
