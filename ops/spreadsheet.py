"""Text written to CSV files that people open in a spreadsheet.

Text a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) gets a leading apostrophe (OWASP "CSV injection"); a plain number (a phone
number in E.164, +48221234567) cannot hold a formula and is written as it is.
`unsafe_text` undoes it for a file read back (the do-not-call import).
"""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?\Z")


def safe_text(value: str) -> str:
    if value.startswith(FORMULA_START) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def unsafe_text(value: str) -> str:
    """The text safe_text was given: an apostrophe before a formula start goes."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value
