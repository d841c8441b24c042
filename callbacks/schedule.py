"""The callbacks app's default periodic tasks (ops.beat's registry: CallbacksConfig),
written into django-celery-beat by migrations 0005 and 0009."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from ops import beat

# After the night's purge (02:30), in TIME_ZONE; expiry as often as it always ran.
DEFAULT_SCHEDULE: beat.Schedule = {
    gettext_noop("Expire overdue callbacks"): ("callbacks.expire_overdue", 300),
    gettext_noop("Remove expired callback history"): ("callbacks.remove_expired_history", "15 3"),
}
