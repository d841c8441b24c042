"""E.164 -> the digits UCCX dials, per campaign dial plan."""

import pytest

from callbacks.dialplan import dial_string, dial_string_for
from callbacks.models import CallbackCampaign

POLAND = {"home_region": "PL", "international_prefix": "00"}
POLAND_OUTSIDE_LINE = POLAND | {"outside_line_prefix": "9"}
USA = {"home_region": "US", "national_prefix": "1", "international_prefix": "011"}


@pytest.mark.parametrize(
    ("plan", "e164", "digits"),
    [
        (POLAND, "+48221234567", "221234567"),
        (POLAND, "+4915112345678", "004915112345678"),
        (POLAND, "+390612345678", "00390612345678"),  # Italy keeps its leading zero
        (POLAND_OUTSIDE_LINE, "+48221234567", "9221234567"),
        (POLAND_OUTSIDE_LINE, "+4915112345678", "9004915112345678"),
        (USA, "+12125550100", "12125550100"),
        (USA, "+14165550100", "14165550100"),  # Toronto: NANP, so domestic
        (USA, "+48221234567", "01148221234567"),
    ],
    ids=[
        "PL home",
        "PL to DE",
        "PL to IT",
        "PL home, outside line",
        "PL to DE, outside line",
        "US home",
        "US to CA",
        "US to PL",
    ],
)
def test_it_turns_an_international_number_into_dialer_digits(plan, e164, digits):
    assert dial_string(e164, **plan) == digits


def test_it_reads_the_home_region_in_any_case():
    assert dial_string("+48221234567", home_region="pl") == "221234567"


def test_it_uses_the_campaigns_dial_plan():
    campaign = CallbackCampaign(name="US", uccx_campaign_id=9, presented_number="+12125550199")
    campaign.home_region = "US"
    campaign.national_prefix = "1"
    campaign.international_prefix = "011"
    campaign.outside_line_prefix = "9"

    assert dial_string_for("+14165550100", campaign) == "914165550100"
    assert dial_string_for("+390612345678", campaign) == "9011390612345678"


def test_it_dials_the_demo_campaign_in_polish_format(campaign):
    assert dial_string_for("+48221234567", campaign) == "221234567"
    assert dial_string_for("+4915112345678", campaign) == "004915112345678"
