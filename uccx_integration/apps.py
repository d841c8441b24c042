from django.apps import AppConfig


class UccxIntegrationConfig(AppConfig):
    name = "uccx_integration"
    verbose_name = "UCCX integration"
