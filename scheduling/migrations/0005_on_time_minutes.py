import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0004_drop_purge_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="globalrules",
            name="on_time_minutes",
            field=models.PositiveIntegerField(
                default=5,
                help_text="Reports count a callback as on time when its first dial came "
                "within this many minutes before or after the promised time.",
                validators=[django.core.validators.MaxValueValidator(240)],
            ),
        ),
        migrations.AddField(
            model_name="historicalglobalrules",
            name="on_time_minutes",
            field=models.PositiveIntegerField(
                default=5,
                help_text="Reports count a callback as on time when its first dial came "
                "within this many minutes before or after the promised time.",
                validators=[django.core.validators.MaxValueValidator(240)],
            ),
        ),
    ]
