"""Customer phone numbers: parsing in common formats, the policy of GlobalRules, and the
time zones that decide the customer's calling window."""

import datetime as dt

import phonenumbers
import pytest
from phonenumbers import timezone as phone_timezone

from scheduling import phones, rules
from scheduling.phones import PhoneError, PhonePolicy, parse_phone
from scheduling.rules import Candidate, evaluate

from .conftest import UTC, codes, update_rules

POLAND = PhonePolicy(default_region="PL")
WARSAW_FIXED = "+48221234567"
PL_MOBILE = "+48 512 345 678"
US_NUMBER = "+1 212 736 5000"
# A Russian mobile number: phonenumbers places it in 16 zones, Bucharest to Kamchatka.
RU_MOBILE = "+7 912 345 67 89"


@pytest.mark.parametrize(
    "raw", ["+48 22 123 45 67", "0048221234567", "22 123 45 67", "(22) 123-45-67", " +48221234567 "]
)
def test_it_normalises_common_formats_to_e164(raw):
    number = parse_phone(raw, POLAND)

    assert number.e164 == WARSAW_FIXED
    assert number.region == "PL"
    assert number.number_type == "fixed_line"
    assert number.time_zones == ("Europe/Warsaw",)


def test_it_reads_national_numbers_in_the_default_region():
    number = parse_phone("(212) 736-5000", PhonePolicy(default_region="US"))

    assert number.e164 == "+12127365000"


@pytest.mark.parametrize("raw", ["", "   ", "call me", "12", "+48 22 123", "0048"])
def test_it_rejects_garbage_and_too_short_numbers(raw):
    with pytest.raises(PhoneError) as error:
        parse_phone(raw, POLAND)

    assert error.value.code == "invalid_phone"


def test_it_names_the_default_region_when_a_number_is_invalid():
    with pytest.raises(PhoneError) as error:
        parse_phone("123 45", POLAND)

    assert "PL" in error.value.message


def test_it_rejects_a_number_outside_the_allowed_regions():
    policy = PhonePolicy(default_region="PL", allowed_regions=frozenset({"PL", "DE"}))

    with pytest.raises(PhoneError) as error:
        parse_phone(US_NUMBER, policy)

    assert error.value.code == "phone_not_allowed"
    assert "DE, PL" in error.value.message
    assert parse_phone("22 123 45 67", policy).e164 == WARSAW_FIXED


def test_it_rejects_a_fixed_line_when_only_mobiles_are_allowed():
    policy = PhonePolicy(default_region="PL", allowed_types=frozenset({"mobile"}))

    with pytest.raises(PhoneError) as error:
        parse_phone("22 123 45 67", policy)

    assert error.value.code == "phone_not_allowed"
    assert "fixed line" in error.value.message
    assert parse_phone(PL_MOBILE, policy).number_type == "mobile"


def test_it_rejects_a_blocked_prefix():
    policy = PhonePolicy(default_region="PL", blocked_prefixes=("+48700",))

    with pytest.raises(PhoneError) as error:
        parse_phone("700 123 456", policy)

    assert error.value.code == "phone_not_allowed"
    assert "+48700" in error.value.message
    assert parse_phone("701 234 567", policy).e164 == "+48701234567"


def test_it_builds_the_policy_from_global_rules(demo):
    update_rules(
        allowed_regions="pl, de",
        allowed_number_types="mobile\nfixed_line",
        blocked_prefixes="48700, +48701",
    )
    config = rules.RulesConfig.load()

    assert config.phone_policy == PhonePolicy(
        default_region="PL",
        allowed_regions=frozenset({"PL", "DE"}),
        allowed_types=frozenset({"mobile", "fixed_line"}),
        blocked_prefixes=("+48700", "+48701"),
    )


def test_it_applies_the_global_rules_policy_in_evaluate(demo, now):
    config = update_rules(allowed_number_types="mobile", blocked_prefixes="+48512")
    when = "2026-11-23T10:00"

    assert codes(evaluate(Candidate("Sales", when, "22 123 45 67"), config=config, now=now)) == [
        "phone_not_allowed"
    ]
    assert codes(evaluate(Candidate("Sales", when, PL_MOBILE), config=config, now=now)) == [
        "phone_not_allowed"
    ]
    assert evaluate(Candidate("Sales", when, "+48 601 234 567"), config=config, now=now) == []


def test_it_places_a_us_number_in_new_york():
    number = parse_phone(US_NUMBER, POLAND)

    assert (number.e164, number.region) == ("+12127365000", "US")
    assert number.time_zones == ("America/New_York",)


def test_it_keeps_every_zone_of_a_number_spanning_several():
    number = parse_phone(RU_MOBILE, POLAND)

    assert len(number.time_zones) > 1
    assert {"Europe/Moscow", "Asia/Kamchatka"} <= set(number.time_zones)
    assert phones.UNKNOWN_ZONE not in number.time_zones
    assert set(number.time_zones) == set(
        phone_timezone.time_zones_for_number(phonenumbers.parse(RU_MOBILE))
    )


def test_it_requires_the_customer_window_in_every_zone_of_the_number(config, now):
    # 09:59 Warsaw = 08:59 UTC: 20:59 in Kamchatka and 10:59 in Bucharest, all inside.
    # 10:00 Warsaw = 21:00 in Kamchatka, though still 12:00 in Bucharest and 12:00 Moscow.
    inside = evaluate(Candidate("Sales", "2026-11-23T09:59", RU_MOBILE), config=config, now=now)
    outside = evaluate(Candidate("Sales", "2026-11-23T10:00", RU_MOBILE), config=config, now=now)

    assert inside == []
    assert codes(outside) == ["outside_customer_hours"]
    assert "21:00 in Asia/Kamchatka" in outside[0].message
    assert "Europe/Moscow" not in outside[0].message
    assert (
        codes(evaluate(Candidate("Sales", "2026-11-23T10:00", PL_MOBILE), config=config, now=now))
        == []
    )


def test_it_offers_a_multi_zone_number_only_the_hours_all_its_zones_share(config, now):
    phone = parse_phone(RU_MOBILE, config.phone_policy)

    (day,) = rules.free_slots("Sales", dt.date(2026, 11, 23), phone=phone, config=config, now=now)

    assert [s.local.strftime("%H:%M") for s in day.slots] == [
        f"{h:02d}:{m:02d}" for h in (8, 9) for m in (0, 15, 30, 45)
    ]
    assert all(dt.time(6) <= s.start.astimezone(UTC).time() < dt.time(9) for s in day.slots)


def test_it_caches_parsing_of_the_same_text():
    phones._parse.cache_clear()

    first = parse_phone("22 123 45 67", POLAND)
    second = parse_phone("22 123 45 67", POLAND)

    assert first is second
    assert phones._parse.cache_info().hits == 1


def test_it_checks_a_toll_free_number_in_the_skills_zone(config, now):
    # +1 800 maps to 42 zones (Guam to Pago Pago): no time would ever fit all of them.
    policy = phones.PhonePolicy(default_region="PL")
    toll_free = phones.parse_phone("+1 800 555 0199", policy)
    valid = rules.evaluate(
        rules.Candidate("Sales", "2026-11-23T10:00", "+1 800 555 0199"), config=config, now=now
    )
    late = rules.evaluate(
        rules.Candidate("Sales", "2026-11-23T19:45", "+1 800 555 0199"), config=config, now=now
    )

    assert toll_free.number_type == "toll_free"
    assert toll_free.time_zones == ()
    assert valid == []
    assert late == []  # 19:45 Warsaw is inside 08:00-21:00 in the skill's own zone
