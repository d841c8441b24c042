"""The violation codes are written once (scheduling/codes.py) and the gadget knows them all.

i18n.js is read as text (the gadget has no build step and the suite needs no Node): each
language's `"codes": {...}` block must translate every violation code, and name no code
the API cannot send. English has no code texts on purpose: it shows the API's own
message, which is more specific (times, hours, holiday names).
"""

import re
from pathlib import Path

from callbacks.api.errors import CODES
from scheduling.codes import ViolationCode
from scheduling.rules import Code

I18N = Path(__file__).parents[2] / "callbacks" / "static" / "gadget" / "i18n.js"
# Answers that are not violations but that the gadget may show: the API's own errors and
# DRF's field errors on the gadget's form.
OTHER_CODES = {*CODES.values(), "invalid_state", "required", "blank", "max_length"}


def _catalogue() -> dict[str, set[str]]:
    text = I18N.read_text(encoding="utf-8")
    names = re.search(r"var CATALOGUE = \{([^}]*)\}", text)
    assert names, "i18n.js has no CATALOGUE"
    languages = dict(re.findall(r"(\w+):\s*(\w+)", names.group(1)))
    found = {}
    for language, variable in languages.items():
        block = re.search(rf"var {variable} = \{{(.*?)\n  \}};", text, re.S)
        assert block, f"i18n.js has no catalogue {variable}"
        codes = re.search(r'"codes": \{(.*?)\}\n', block.group(1) + "\n", re.S)
        assert codes, f"{language} has no codes"
        found[language] = set(re.findall(r'^\s*"(\w+)":', codes.group(1), re.M))
    return found


def test_the_engine_and_the_api_share_one_list_of_eighteen_codes():
    assert Code is ViolationCode
    assert len(ViolationCode.values) == 18  # docs/architecture.md §4
    assert all(re.fullmatch(r"[a-z_]+", value) for value in ViolationCode.values)


def test_every_violation_code_has_a_gadget_translation_in_every_language():
    catalogue = _catalogue()

    assert set(catalogue) == {"en", "pl"}
    assert catalogue["en"] == set()  # English shows the API's message
    for language, codes in catalogue.items():
        if language != "en":
            assert set(ViolationCode.values) - codes == set(), language


def test_the_gadget_translates_no_stale_code():
    for language, codes in _catalogue().items():
        assert codes - set(ViolationCode.values) - OTHER_CODES == set(), language
