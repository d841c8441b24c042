from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .schedule import DEFAULT_SCHEDULE


class CallbacksConfig(AppConfig):
    name = "callbacks"
    verbose_name = _("Callbacks")
    periodic_tasks = DEFAULT_SCHEDULE  # ops.beat's registry

    def ready(self) -> None:
        # Stored callbacks fill the rules engine's slots (slot_full, capacity left).
        from scheduling.rules import register_slot_usage

        from .validation import pending_scheduled_times

        register_slot_usage(pending_scheduled_times)
