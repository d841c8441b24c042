from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "callbacks"
    verbose_name = "Callbacks"

    def ready(self) -> None:
        # Stored callbacks fill the rules engine's slots (slot_full, capacity left).
        from scheduling.rules import register_slot_usage

        from .validation import pending_scheduled_times

        register_slot_usage(pending_scheduled_times)
