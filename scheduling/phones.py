"""Customer phone numbers: the one place that parses, checks and normalises them.

Every entry point (gadget, IVR, admin) hands the raw text here and gets back either
an E.164 number with its region and time zones, or violations with the codes
`invalid_phone` / `phone_not_allowed`. The allowed regions, number types and blocked
prefixes come from GlobalRules; this module lives in `scheduling` because the rules
engine needs the number's time zones for the customer's calling window.
"""

from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from django.utils.translation import gettext as _
from phonenumbers import timezone as phone_timezone

from .codes import ViolationCode
from .models import NUMBER_TYPES, GlobalRules

UNKNOWN_ZONE = "Etc/Unknown"
# Only these types say where the customer is. For toll-free, premium, VoIP, personal
# and similar numbers phonenumbers answers with every zone of the country (42 for +1
# 800, from Guam to Pago Pago), which no calling window could satisfy: such numbers
# are treated as unplaceable and checked in the skill's zone.
GEOGRAPHIC_TYPES = {"fixed_line", "mobile", "fixed_line_or_mobile"}


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    e164: str
    region: str
    number_type: str
    time_zones: tuple[str, ...]  # empty when phonenumbers cannot place the number


@dataclass(frozen=True, slots=True)
class PhonePolicy:
    default_region: str
    allowed_regions: frozenset[str] = frozenset()
    allowed_types: frozenset[str] = frozenset()
    blocked_prefixes: tuple[str, ...] = ()

    @classmethod
    def from_rules(cls, rules) -> "PhonePolicy":
        return cls(
            default_region=rules.default_region.upper(),
            allowed_regions=frozenset(rules.allowed_region_list),
            allowed_types=frozenset(rules.allowed_number_type_list),
            blocked_prefixes=tuple(rules.blocked_prefix_list),
        )


class PhoneError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


_TYPE_NAMES = {value: name for name, value in NUMBER_TYPES.items()}


@lru_cache(maxsize=4096)
def _parse(raw: str, default_region: str) -> PhoneNumber:
    text = raw.strip()
    if text.startswith("00"):
        # International prefix typed the European way: 0048... is +48...
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise PhoneError(
            ViolationCode.INVALID_PHONE, _("'%(raw)s' is not a phone number.") % {"raw": raw}
        ) from None
    # number_type() is UNKNOWN exactly when is_valid_number() is False: asking both
    # matched the number against its country's patterns twice (bench/export.py).
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.UNKNOWN:
        raise PhoneError(
            ViolationCode.INVALID_PHONE,
            _(
                "'%(raw)s' is not a valid phone number (numbers without a country code are "
                "read as %(region)s numbers)."
            )
            % {"raw": raw, "region": default_region},
        )
    number_type = _TYPE_NAMES.get(kind, "unknown")
    zones: tuple[str, ...] = ()
    if number_type in GEOGRAPHIC_TYPES:
        zones = tuple(z for z in phone_timezone.time_zones_for_number(number) if z != UNKNOWN_ZONE)
    return PhoneNumber(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        region=phonenumbers.region_code_for_number(number) or "",
        number_type=number_type,
        time_zones=zones,
    )


def _type_allowed(number_type: str, allowed: frozenset[str]) -> bool:
    # Some countries (US, CA) cannot tell mobile from fixed line by the number alone;
    # such a number passes when either kind is allowed.
    if number_type == "fixed_line_or_mobile":
        return bool(allowed & {"fixed_line_or_mobile", "fixed_line", "mobile"})
    return number_type in allowed


def parse_phone(raw: str, policy: PhonePolicy) -> PhoneNumber:
    """Parse and check a number against the policy; raises PhoneError with a code."""
    if not raw or not raw.strip():
        raise PhoneError(ViolationCode.INVALID_PHONE, _("Enter the customer's phone number."))
    number = _parse(raw, policy.default_region)
    if policy.allowed_regions and number.region not in policy.allowed_regions:
        allowed = ", ".join(sorted(policy.allowed_regions))
        raise PhoneError(
            ViolationCode.PHONE_NOT_ALLOWED,
            _(
                "%(number)s is a %(region)s number; callbacks may "
                "only be placed to numbers in %(allowed)s."
            )
            % {
                "number": number.e164,
                "region": number.region or _("non-geographic"),
                "allowed": allowed,
            },
        )
    if policy.allowed_types and not _type_allowed(number.number_type, policy.allowed_types):
        allowed = ", ".join(sorted(policy.allowed_types))
        raise PhoneError(
            ViolationCode.PHONE_NOT_ALLOWED,
            _("%(number)s is a %(type)s number; allowed types: %(allowed)s.")
            % {
                "number": number.e164,
                "type": number.number_type.replace("_", " "),
                "allowed": allowed,
            },
        )
    for prefix in policy.blocked_prefixes:
        if number.e164.startswith(prefix):
            raise PhoneError(
                ViolationCode.PHONE_NOT_ALLOWED,
                _("Numbers starting %(prefix)s may not be called back.") % {"prefix": prefix},
            )
    return number


def e164_for_search(raw: str) -> str:
    """A number as stored, for finding callbacks: only the default country applies.

    The booking policy (allowed countries, types, blocked prefixes) is left out on
    purpose: a callback stored before the policy changed must still be found.
    Raises PhoneError when the text is not a phone number.
    """
    return parse_phone(raw, PhonePolicy(default_region=GlobalRules.load().default_region)).e164
