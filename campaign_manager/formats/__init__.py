"""Input formats of the admin's date and time fields, whatever the user's language: ISO
dates and the 24-hour clock (FORMAT_MODULE_PATH; issue 17 point 7). Django's own
locale formats stay for everything else (e.g. how dates are printed)."""

DATE_INPUT_FORMATS = ["%Y-%m-%d"]  # the first is what a field shows and the calendar writes
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
]
