"""Empty django-otp's static device tables, which held the recovery codes in plain text.

The codes are not converted: they were 8 characters (40 bits), too short to keep as a fast keyed
hash, and the new ones are a different shape. A user who had them makes new ones at Security (the
authenticator app still signs them in). The tables themselves stay, empty: django_otp's
otp_static app is no longer installed, so nothing reads them, and an empty table does not stop
a user from being deleted (a device row would, through its foreign key, since Django no longer
knows to delete it first). Raw SQL, because the app's models are no longer importable here.
"""

from django.db import migrations

TABLES = ("otp_static_statictoken", "otp_static_staticdevice")  # tokens first: their FK


def purge(apps, schema_editor):
    empty_tables(schema_editor.connection)


def empty_tables(connection):
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in TABLES:
            if table in existing:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


class Migration(migrations.Migration):

    dependencies = [
        ('mfa', '0001_recovery_codes'),
    ]

    operations = [
        migrations.RunPython(purge, migrations.RunPython.noop),
    ]
