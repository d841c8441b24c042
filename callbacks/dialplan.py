"""E.164 -> the digits the UCCX dialer dials, per campaign.

A number in the campaign's home country (same country calling code, so the whole
North American plan counts as domestic for a US campaign) is dialed in national form
with the national prefix; any other with the international prefix and country code.
The outside-line prefix, if any, goes in front of both.
"""

import phonenumbers


def dial_string(
    e164: str,
    *,
    home_region: str,
    outside_line_prefix: str = "",
    national_prefix: str = "",
    international_prefix: str = "00",
) -> str:
    number = phonenumbers.parse(e164)
    national = phonenumbers.national_significant_number(number)
    if number.country_code == phonenumbers.country_code_for_region(home_region.upper()):
        digits = national_prefix + national
    else:
        digits = f"{international_prefix}{number.country_code}{national}"
    return outside_line_prefix + digits


def dial_string_for(e164: str, campaign) -> str:
    return dial_string(
        e164,
        home_region=campaign.home_region,
        outside_line_prefix=campaign.outside_line_prefix,
        national_prefix=campaign.national_prefix,
        international_prefix=campaign.international_prefix,
    )
