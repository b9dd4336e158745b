"""The full-text index of cases, per database (see pufa.cases.search).

SQLite: an FTS5 table `cases_case_fts(body)` whose rowid is the case id (tokenizer unicode61: the shadow text
is already segmented into space-separated words). PostgreSQL: a GIN index on cases_casesearch.vector (filled
with to_tsvector('simple', body) by the services). Each statement runs only on its own vendor.
"""

from django.db import migrations


class VendorRunSQL(migrations.RunSQL):
    """RunSQL for one database vendor only (a no-op elsewhere)."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_case_library")]

    operations = [
        VendorRunSQL(
            "sqlite",
            "CREATE VIRTUAL TABLE cases_case_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 0')",
            "DROP TABLE IF EXISTS cases_case_fts",
        ),
        VendorRunSQL(
            "postgresql",
            "CREATE INDEX cases_casesearch_vector ON cases_casesearch USING gin (vector)",
            "DROP INDEX IF EXISTS cases_casesearch_vector",
        ),
    ]
