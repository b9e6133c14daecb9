"""The check-in Alert now belongs to the safety app (state only: the same table, renamed there)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("safety", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Alert")],
            database_operations=[],
        ),
    ]
