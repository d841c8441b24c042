"""IntegrationStatus and DirectoryEntry, moved here from uccx_integration: in the
migration state only. Their tables (created by uccx_integration/0001) keep their names
(db_table) and their rows; uccx_integration/0004 drops the models from its own state."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    # The tables exist once uccx_integration/0001 ran (on a new database as on an old one).
    dependencies = [("uccx_integration", "0003_export_batch_import_status")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='IntegrationStatus',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('task', models.CharField(max_length=50, unique=True)),
                        ('last_started_at', models.DateTimeField(blank=True, null=True)),
                        ('last_success_at', models.DateTimeField(blank=True, null=True)),
                        ('last_failure_at', models.DateTimeField(blank=True, null=True)),
                        ('last_error', models.TextField(blank=True)),
                        ('last_counts', models.JSONField(blank=True, default=dict)),
                        ('last_duration_ms', models.PositiveIntegerField(blank=True, null=True)),
                        ('runs', models.PositiveIntegerField(default=0)),
                        ('failures', models.PositiveIntegerField(default=0)),
                        ('consecutive_failures', models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'uccx_integration_integrationstatus',
                        'verbose_name': 'integration status',
                        'verbose_name_plural': 'integration status',
                        'ordering': ['task'],
                    },
                ),
                migrations.CreateModel(
                    name='DirectoryEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('campaign', 'Campaign'), ('skill', 'Skill'), ('csq', 'CSQ'), ('resource', 'Agent (resource)')], max_length=10)),
                        ('uccx_id', models.CharField(help_text='Id in UCCX (userID for agents).', max_length=50)),
                        ('name', models.CharField(max_length=150)),
                        ('details', models.JSONField(blank=True, default=dict)),
                        ('synced_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'db_table': 'uccx_integration_directoryentry',
                        'verbose_name': 'UCCX directory entry',
                        'verbose_name_plural': 'UCCX directory',
                        'ordering': ['kind', 'name'],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'uccx_id'), name='one_directory_entry')],
                    },
                ),
            ],
        )
    ]
