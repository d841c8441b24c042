"""Date and time inputs are ISO and 24-hour in every language (issue 17 point 7): the
admin's date and time widgets (special days, custom holidays, do-not-call last days,
opening hours, GlobalRules times) show and read them so, in English and in Polish.
The tool pages' own inputs are tested in tests/scheduling/test_admin.py and in the
browser (tests/admin_ui)."""

import datetime as dt

import pytest
from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminTimeWidget
from django.utils import translation


@pytest.mark.parametrize("language", ["en", "en-us", "pl"])
def test_the_admins_date_and_time_widgets_show_iso_and_24_hours(language):
    with translation.override(language):
        date = AdminDateWidget().render("day", dt.date(2026, 12, 24))
        time = AdminTimeWidget().render("opens", dt.time(14, 30))

    assert 'value="2026-12-24"' in date
    assert 'value="14:30"' in time


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_admins_date_and_time_fields_read_iso_and_24_hours(language):
    with translation.override(language):
        assert forms.DateField().clean("2026-12-24") == dt.date(2026, 12, 24)
        assert forms.TimeField().clean("14:30") == dt.time(14, 30)
        with pytest.raises(forms.ValidationError):
            forms.TimeField().clean("2:30 PM")


def test_a_polish_date_typed_the_polish_way_is_read_too():
    with translation.override("pl"):
        assert forms.DateField().clean("24.12.2026") == dt.date(2026, 12, 24)
