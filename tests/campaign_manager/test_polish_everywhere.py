"""Issue 17: our own words in Polish for a Polish reader (model and field names, help
texts, fieldsets, actions and their messages with Polish plural forms, rule violations,
the tool pages), English for everyone else; the API in English unless its client asks
with Accept-Language (never because of the admin's language cookie), codes unchanged.
Needs the compiled .mo that `make` builds (scripts/bootstrap.sh)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from callbacks.models import Status

pytestmark = pytest.mark.usefixtures("frozen_now")
MO = Path(settings.BASE_DIR) / "locale/pl/LC_MESSAGES/django.mo"
POLISH = "pl-PL,pl;q=0.9,en;q=0.5"


@pytest.fixture
def boss(db, demo) -> Client:
    assert MO.exists(), f"{MO} missing: run `make bootstrap` (msgfmt compiles the .po)"
    user = get_user_model().objects.create_superuser("boss", "b@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, url: str, **headers) -> str:
    answer = client.get(url, follow=True, **headers)
    assert answer.status_code == 200, answer.status_code
    return answer.content.decode()


def test_an_english_request_sees_english_names_and_help(boss, make_callback):
    callback = make_callback()

    index = page(boss, reverse("admin:index"))
    change = page(boss, reverse("admin:callbacks_callback_change", args=[callback.pk]))

    assert '<html lang="en' in index
    for english in ("Callback campaigns", "Scheduling rules", "Do-not-call list", "Tools"):
        assert english in index
    assert "Narzędzia" not in index and "Reguły planowania" not in index
    assert "Timestamps" in change and "CB + 10 digits" in change and "Timeline" in change


def test_a_polish_reader_sees_our_models_fieldsets_and_help_texts_in_polish(boss, make_callback):
    callback = make_callback()

    index = page(boss, reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=POLISH)
    change = page(
        boss,
        reverse("admin:callbacks_callback_change", args=[callback.pk]),
        HTTP_ACCEPT_LANGUAGE=POLISH,
    )
    rules_url = reverse("admin:scheduling_globalrules_changelist")
    rules = page(boss, rules_url, HTTP_ACCEPT_LANGUAGE=POLISH)

    for polish in ("Kampanie oddzwonień", "Reguły planowania", "Lista zakazu połączeń"):
        assert polish in index
    assert "Callback campaigns" not in index and "Scheduling rules" not in index
    assert "Znaczniki czasu" in change and "CB + 10 cyfr" in change
    assert "Historia zdarzeń" in change and "Timestamps" not in change
    assert "Godziny oddzwonień" in rules and "Callback hours" not in rules
    assert "Oddzwonienia na termin i kolejkę" in rules  # a form label, not the field's name


def test_violations_on_the_check_time_page_are_polish_with_polish_days(boss):
    url = reverse("admin:scheduling_skill_check_time")

    polish = page(boss, f"{url}?skill=Sales&when=2026-12-25T10:00", HTTP_ACCEPT_LANGUAGE=POLISH)
    english = page(boss, f"{url}?skill=Sales&when=2026-12-25T10:00")

    assert "to święto (Boże Narodzenie" in polish and "Piątek 2026-12-25" in polish
    assert "Niepoprawne — niespełnione 2 reguły:" in polish  # a holiday, too far ahead
    assert "to za daleko: oddzwonienia można planować najwyżej" in polish
    assert "Friday 2026-12-25 is a holiday (Christmas Day" in english
    assert "Not valid — 2 rules not met:" in english


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "Anulowano 1 oddzwonienie:"),
        (2, "Anulowano 2 oddzwonienia:"),
        (5, "Anulowano 5 oddzwonień:"),
    ],
)
def test_action_messages_use_polish_plural_forms(boss, make_callback, count, expected):
    ids = [make_callback(phone_number=f"+4822500{n:04d}").pk for n in range(count)]

    answer = boss.post(
        reverse("admin:callbacks_callback_changelist"),
        {"action": "cancel_selected", "_selected_action": ids, "confirm": "yes", "reason": ""},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=POLISH,
    )

    assert expected in answer.content.decode()


def test_the_api_answers_english_unless_the_client_asks(gadget):
    query = {"skill": "Sales", "date": "2026-11-23", "phone": "12"}

    default = gadget.get("/api/v1/slots", query)
    asked = gadget.get("/api/v1/slots", query, HTTP_ACCEPT_LANGUAGE=POLISH)
    gadget.cookies["django_language"] = "pl"  # the admin's switch, in the same browser
    cookie_only = gadget.get("/api/v1/slots", query)

    assert [(e["code"], e["message"]) for e in default.json()["errors"]] == [
        (
            "invalid_phone",
            "'12' is not a valid phone number (numbers without a country code are read as "
            "PL numbers).",
        )
    ]
    assert [(e["code"], e["message"]) for e in asked.json()["errors"]] == [
        (
            "invalid_phone",
            "„12” nie jest poprawnym numerem telefonu (numery bez kodu kraju są odczytywane "
            "jako numery z kraju PL).",
        )
    ]
    assert asked["Content-Language"] == "pl"
    assert cookie_only.json()["errors"] == default.json()["errors"]
    assert cookie_only["Content-Language"].startswith("en")


def test_choices_stay_english_in_the_report_view_whatever_the_language(db):
    from reporting import sql

    with translation.override("pl"):
        case = sql._names("c.status", Status.choices)

    assert "'Completed'" in case and "Zrealizowane" not in case


def test_task_counts_and_names_read_in_polish(db):
    from ops.queue import task_label
    from uccx_integration.admin.health import counts_text

    with translation.override("pl"):
        polish = counts_text({"exported": 3, "returned": 0, "waiting_for_import": 2})
        name = task_label("export_due_callbacks")
    with translation.override("en"):
        english = counts_text({"exported": 3, "waiting_for_import": 2})

    assert polish == "wysłane 3, czekające na import 2"
    assert name == "Eksport należnych oddzwonień do UCCX"
    assert english == "exported 3, waiting for import 2"


def test_the_repeated_hour_reads_in_polish_with_both_offsets():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from scheduling.display import local_short

    warsaw = ZoneInfo("Europe/Warsaw")
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # 02:30 CEST
    second = first + dt.timedelta(hours=1)  # 02:30 again, CET

    with translation.override("pl"):
        shown = (local_short(first, warsaw), local_short(second, warsaw))

    assert shown == ("niedz. 2026-10-25 02:30 CEST", "niedz. 2026-10-25 02:30 CET")
    with translation.override("en"):
        assert local_short(first, warsaw) == "Sun 2026-10-25 02:30 CEST"


def test_a_time_in_the_spring_gap_is_refused_in_polish(boss):
    url = reverse("admin:scheduling_skill_check_time")

    polish = page(boss, f"{url}?skill=Sales&when=2027-03-28T02:30", HTTP_ACCEPT_LANGUAGE=POLISH)

    assert "2027-03-28 02:30 nie istnieje w strefie Europe/Warsaw" in polish
    assert "przy zmianie na czas letni zegary przeskakują tę godzinę" in polish
