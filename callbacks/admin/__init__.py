"""Django Admin for callbacks: campaigns, the callbacks with their timeline, API keys.

A callback's history is never edited here: no callback can be added, changed or
deleted through a form, and its status is not a form field anywhere. The cancel action
and the reschedule page call `callbacks.services`, which move callbacks through
`callbacks.states` exactly as the gadget, the IVR and the API do. Django's "Can change
callback" permission is what allows them ("manage"); "view" allows the rest.

- `campaigns`: the UCCX campaigns callbacks are dialed in.
- `callbacks`: the read-only callbacks with their timeline; `filters` for its list.
- `pages`: the cancel confirmation, the re-validation report and the reschedule page.
- `api_keys`: API keys and idempotency records.
- `recall`: the campaigns' recall policies, with their history.

Importing the modules registers their ModelAdmins (Django autodiscovers this package).
"""

from . import api_keys, callbacks, campaigns, recall
from .callbacks import CallbackAdmin, CallbackEventInline
from .campaigns import CallbackCampaignAdmin

__all__ = [
    "CallbackAdmin",
    "CallbackCampaignAdmin",
    "CallbackEventInline",
    "api_keys",
    "callbacks",
    "campaigns",
    "recall",
]
