"""English: ISO dates and the 24-hour clock in the admin's inputs (see the package)."""

from campaign_manager.formats import (  # noqa: F401
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    TIME_INPUT_FORMATS,
)
