"""French full-text search for the catalogue (parvis.procedures.search), PostgreSQL only.

Creates the `unaccent` extension and the text search configuration `french_unaccent`: a copy of
`french` whose word mappings first strip accents, then stem, so that "etat civil" finds "état civil"
and "actes" finds "acte". On other databases (SQLite for the demo) both operations do nothing, in
both directions; search then uses its Python fallback.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

CREATE_CONFIGURATION = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
"""

DROP_CONFIGURATION = "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;"


def create_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_CONFIGURATION)


def drop_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_CONFIGURATION)


class Migration(migrations.Migration):

    dependencies = [
        ("procedures", "0001_initial"),
    ]

    operations = [
        # No-op on databases other than PostgreSQL (Django checks the vendor); dropped on reverse.
        UnaccentExtension(),
        migrations.RunPython(create_configuration, drop_configuration, elidable=False),
    ]
