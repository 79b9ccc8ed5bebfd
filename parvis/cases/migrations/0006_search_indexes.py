"""Full-text indexes of the inbox search, on PostgreSQL only (SQLite searches without them).

The expressions repeat exactly those of the queries (parvis.backoffice.search): PostgreSQL uses an
expression index only when the query repeats the expression.
"""

from django.db import migrations

ANSWERS_INDEX = """CREATE INDEX IF NOT EXISTS case_answers_search_idx ON cases_case USING gin
    (jsonb_to_tsvector('french_unaccent'::regconfig, answers, '["string"]'::jsonb))"""
NAMES_INDEX = """CREATE INDEX IF NOT EXISTS user_name_search_idx ON accounts_user USING gin
    ((to_tsvector('french_unaccent'::regconfig, COALESCE(first_name, '') || ' ' || COALESCE(last_name, ''))))"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ANSWERS_INDEX)
        schema_editor.execute(NAMES_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_answers_search_idx")
        schema_editor.execute("DROP INDEX IF EXISTS user_name_search_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_inbox_indexes"),
        ("accounts", "0002_login_failure"),
        ("procedures", "0002_search_configuration"),
    ]

    operations = [migrations.RunPython(create, drop)]
