"""IntegrationStatus and DirectoryEntry now belong to ops (ops/0001): removed from this
app's migration state only; the tables and their rows stay, used by ops."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("uccx_integration", "0003_export_batch_import_status"),
        ("ops", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="IntegrationStatus"),
                migrations.DeleteModel(name="DirectoryEntry"),
            ],
        )
    ]
