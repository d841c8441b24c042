from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .schedule import DEFAULT_SCHEDULE


class UccxIntegrationConfig(AppConfig):
    name = "uccx_integration"
    verbose_name = _("UCCX integration")
    periodic_tasks = DEFAULT_SCHEDULE  # ops.beat's registry
