from django.apps import AppConfig

from .schedule import DEFAULT_SCHEDULE


class UccxIntegrationConfig(AppConfig):
    name = "uccx_integration"
    verbose_name = "UCCX integration"
    periodic_tasks = DEFAULT_SCHEDULE  # ops.beat's registry
