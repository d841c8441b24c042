"""Polish: ISO dates and the 24-hour clock in the admin's inputs (see the package); a
date typed the Polish way (23.11.2026) is read too."""

from campaign_manager.formats import DATE_INPUT_FORMATS as ISO_DATES
from campaign_manager.formats import DATETIME_INPUT_FORMATS, TIME_INPUT_FORMATS  # noqa: F401

DATE_INPUT_FORMATS = [*ISO_DATES, "%d.%m.%Y"]
