from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self) -> None:
        from . import install

        # Once per migrate run (the signals are sent for every app).
        pre_migrate.connect(install.drop_before_migrating, sender=self)
        post_migrate.connect(install.create_after_migrating, sender=self)
