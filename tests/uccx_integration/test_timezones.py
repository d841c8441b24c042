"""A UCCX campaign's timeZone (a Windows name, as Cisco documents it) as a zone, and the
export's and the simulator dialer's window checks across Warsaw's DST changes. No
database: campaign_window_open and the dialer's check take the campaign as UCCX gives it."""

import datetime as dt
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from uccx_integration.client import Campaign
from uccx_integration.services import campaign_window_open
from uccx_integration.simulator.dialer import _dialing_allowed
from uccx_integration.simulator.store import DEFAULT_CAMPAIGNS, CampaignConfig
from uccx_integration.timezones import UnknownTimeZone, campaign_zone

CET = "Central European Standard Time"
SPRING_FORWARD = dt.date(2026, 3, 29)  # Warsaw: 02:00 CET -> 03:00 CEST (01:00 UTC)
FALL_BACK = dt.date(2026, 10, 25)  # Warsaw: 03:00 CEST -> 02:00 CET (01:00 UTC)


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("India Standard Time", "Asia/Kolkata"),  # CLDR says Asia/Calcutta: an old link
        (CET, "Europe/Warsaw"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Eastern Standard Time", "America/New_York"),
        ("UTC", "Etc/UTC"),
        (" India Standard Time ", "Asia/Kolkata"),
        ("Europe/Warsaw", "Europe/Warsaw"),  # an IANA name is taken as it is
        ("Asia/Calcutta", "Asia/Kolkata"),
    ],
)
def test_it_maps_windows_and_iana_names(name, zone):
    assert campaign_zone(name) == ZoneInfo(zone)
    assert campaign_zone(name).key == zone


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("Mars Standard Time", "unknown time zone 'Mars Standard Time'"),
        ("india standard time", "unknown time zone 'india standard time'"),
        ("zone.tab", "unknown time zone 'zone.tab'"),  # a file in the zoneinfo directory
        ("../etc/passwd", "unknown time zone '../etc/passwd'"),
        ("", "UCCX gave no time zone"),
        ("  ", "UCCX gave no time zone"),
    ],
)
def test_it_refuses_an_unknown_or_empty_name(name, says):
    with pytest.raises(UnknownTimeZone, match=says) as caught:
        campaign_zone(name)
    assert caught.value.name == name


def test_the_simulator_answers_windows_names_as_uccx_does():
    assert {c.time_zone for c in DEFAULT_CAMPAIGNS} == {CET}


def campaign(start: str, end: str, zone: str = CET, enabled: bool = True) -> Campaign:
    return Campaign(
        1, "Callback_Main", enabled, dt.time.fromisoformat(start), dt.time.fromisoformat(end),
        zone, "IVR", 3, 0,
    )  # fmt: skip


def minutes_of(day: dt.date) -> list[dt.datetime]:
    """Every minute of the Warsaw day, in UTC (23, 24 or 25 hours of them)."""
    start, end = (
        dt.datetime.combine(d, dt.time(), ZoneInfo("Europe/Warsaw")).astimezone(UTC)
        for d in (day, day + dt.timedelta(days=1))
    )
    return [
        start + dt.timedelta(minutes=n) for n in range(int((end - start).total_seconds()) // 60)
    ]


def open_minutes(start: str, end: str, day: dt.date) -> list[dt.datetime]:
    uccx = campaign(start, end)
    simulated = CampaignConfig(1, "Callback_Main", start_time=start, end_time=end)
    opened = [m for m in minutes_of(day) if campaign_window_open(uccx, m)]
    # The simulator's dialer decides the same way.
    assert opened == [m for m in minutes_of(day) if _dialing_allowed(simulated, m)]
    return opened


def test_a_window_follows_warsaw_summer_time():
    # 08:00 Warsaw is 07:00 UTC the day before the change, 06:00 UTC on it.
    assert open_minutes("08:00", "16:00", SPRING_FORWARD - dt.timedelta(days=1))[0] == (
        dt.datetime(2026, 3, 28, 7, 0, tzinfo=UTC)
    )
    assert open_minutes("08:00", "16:00", SPRING_FORWARD)[0] == (
        dt.datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    )
    assert open_minutes("08:00", "16:00", FALL_BACK)[0] == (
        dt.datetime(2026, 10, 25, 7, 0, tzinfo=UTC)
    )


def test_the_days_of_the_changes_have_23_and_25_hours():
    assert len(minutes_of(SPRING_FORWARD)) == 23 * 60
    assert len(minutes_of(FALL_BACK)) == 25 * 60


def test_a_window_inside_the_spring_forward_gap_never_opens():
    # 02:00-02:59 does not exist in Warsaw on 29 March 2026.
    assert open_minutes("02:00", "02:59", SPRING_FORWARD) == []
    # Around it: 01:59 CET is 00:59 UTC and 03:00 CEST is 01:00 UTC, a minute apart.
    assert open_minutes("01:59", "01:59", SPRING_FORWARD) == [
        dt.datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    ]
    assert open_minutes("03:00", "03:00", SPRING_FORWARD) == [
        dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    ]


def test_a_window_inside_the_autumn_overlap_opens_twice():
    # 02:00-02:59 happens twice in Warsaw on 25 October 2026: once in CEST, once in CET.
    opened = open_minutes("02:00", "02:59", FALL_BACK)

    assert len(opened) == 120
    assert (opened[0], opened[-1]) == (
        dt.datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
        dt.datetime(2026, 10, 25, 1, 59, tzinfo=UTC),
    )


def test_a_window_is_read_in_the_named_zone_not_the_servers():
    ten_utc = dt.datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # 15:30 in India, 11:00 Warsaw

    assert campaign_window_open(campaign("15:00", "16:00", "India Standard Time"), ten_utc)
    assert not campaign_window_open(campaign("15:00", "16:00", CET), ten_utc)


def test_an_unknown_zone_is_no_fallback():
    with pytest.raises(UnknownTimeZone, match="'Mars Standard Time'"):
        campaign_window_open(campaign("00:00", "23:59", "Mars Standard Time"), dt.datetime.now(UTC))
    # A disabled campaign is closed whatever its zone.
    assert not campaign_window_open(
        campaign("00:00", "23:59", "Mars Standard Time", enabled=False), dt.datetime.now(UTC)
    )


def test_the_simulator_does_not_dial_a_campaign_in_an_unknown_zone(caplog):
    mars = CampaignConfig(1, "Callback_Main", time_zone="Mars Standard Time")

    assert not _dialing_allowed(mars, dt.datetime.now(UTC))
    assert "unknown time zone" in caplog.text
