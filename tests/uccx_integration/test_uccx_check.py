"""manage.py uccx_check against the in-process simulator over HTTP and its SQLite file
through unixODBC and the SQLite3 ODBC driver."""

import io
import shutil
import sqlite3

import pyodbc  # in requirements.txt; only the ODBC driver may be missing
import pytest
from django.core.management import CommandError, call_command

from callbacks.models import CallbackCampaign
from tests.cast import UCCX_PASSWORD as PASSWORD
from tests.cast import UCCX_USERNAME as USERNAME
from uccx_integration import mapping
from uccx_integration.client import UccxClient, UccxError

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "SQLite3" not in pyodbc.drivers(),
        reason="the SQLite3 ODBC driver is not registered with unixODBC "
        "(apt-get install unixodbc libsqliteodbc; scripts/bootstrap.sh does it)",
    ),
]


@pytest.fixture
def env(monkeypatch, simulator):
    for name in ("UCCX_USERNAME", "UCCX_SECONDARY_URL", "UCCX_CA_BUNDLE", "INFORMIX_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("UCCX_URL", simulator.url)
    monkeypatch.setenv("UCCX_USER", USERNAME)
    monkeypatch.setenv("UCCX_PASSWORD", PASSWORD)
    monkeypatch.setenv("INFORMIX_DSN", f"DRIVER=SQLite3;Database={simulator.store.path};NoCreat=1")
    return monkeypatch


def uccx_check() -> str:
    out = io.StringIO()
    call_command("uccx_check", stdout=out)
    return out.getvalue()


def failing_uccx_check() -> tuple[str, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("uccx_check", stdout=out)
    return out.getvalue(), str(caught.value)


def test_it_reports_reachable_campaigns_and_a_complete_schema(env):
    output = uccx_check()

    assert "campaign 1 'Callback_Main': enabled" in output
    assert "campaign 2 'Callback_Premium': enabled" in output
    assert output.count("time zone: Central European Standard Time -> Europe/Warsaw") == 2
    assert output.count("    contacts: ok") == 2
    assert output.count("    import status: ok") == 2
    assert "\n  skills: ok" in output
    assert f"{mapping.DIALING_LIST.name}: 24/24 columns ok" in output
    assert "codes: all known to mapping.py" in output
    assert "OK: UCCX REST and Informix db_cra are ready." in output
    assert PASSWORD not in output


def test_it_checks_the_configured_callback_campaigns(env):
    CallbackCampaign.objects.create(
        name="Callback_Other", uccx_campaign_id=7, presented_number="+48221111117"
    )

    output, error = failing_uccx_check()

    assert "campaign 1" not in output
    assert "REST: campaign 7" in error
    assert "correct the CallbackCampaign's UCCX campaign id" in error


def test_it_shows_the_time_zone_as_read_and_as_mapped(env, simulator):
    simulator.campaigns[2].time_zone = "India Standard Time"

    output = uccx_check()

    assert "time zone: Central European Standard Time -> Europe/Warsaw" in output
    assert "time zone: India Standard Time -> Asia/Kolkata" in output


@pytest.mark.parametrize("zone", ["Mars Standard Time", ""], ids=["unknown", "empty"])
def test_an_unknown_time_zone_is_a_problem(env, simulator, zone):
    simulator.campaigns[2].time_zone = zone

    output, error = failing_uccx_check()

    assert f"time zone: {zone or '(empty)'} -> UNKNOWN" in output
    assert "time zone: Central European Standard Time -> Europe/Warsaw" in output  # campaign 1
    assert "uccx_check found 1 problem(s)" in error
    said = f"unknown time zone {zone!r}" if zone else "UCCX gave no time zone"
    assert f"REST: campaign 2: {said}" in error
    assert "the export skips this campaign" in error


@pytest.mark.parametrize(
    ("method", "line", "problem"),
    [
        ("list_contacts", "    contacts: FAILED: ", "REST: campaign 1 contacts: "),
        ("import_status", "    import status: FAILED: ", "REST: campaign 1 import status: "),
        ("list_skills", "  skills: FAILED: ", "REST: skills: "),
    ],
)
def test_it_names_an_answer_it_cannot_read(env, monkeypatch, method, line, problem):
    # What the client raises for an answer of another shape (status None, permanent).
    message = f"UCCX {method}: expected an element the answer lacks"
    real = getattr(UccxClient, method)

    def unreadable(self, *args):
        if args and args[0] == 2:
            return real(self, *args)  # campaign 2 reads fine
        raise UccxError(message, permanent=True)

    monkeypatch.setattr(UccxClient, method, unreadable)

    output, error = failing_uccx_check()

    assert line + message in output
    assert "uccx_check found 1 problem(s)" in error
    assert problem + message in error
    assert "not in the shape uccx_integration/client.py reads" in error
    assert "campaign 2 'Callback_Premium': enabled" in output  # the check went on


def test_it_names_rest_when_uccx_is_down(env, closed_port_url):
    env.setenv("UCCX_URL", closed_port_url)

    output, error = failing_uccx_check()

    assert "REST: campaign 1" in error
    assert "check UCCX_URL" in error
    assert "Informix" not in error  # db_cra is fine
    assert f"{mapping.DIALING_LIST.name}: 24/24 columns ok" in output


def test_it_names_rest_credentials_when_the_password_is_wrong(env):
    env.setenv("UCCX_PASSWORD", "wrong-password")

    output, error = failing_uccx_check()

    assert "HTTP 401" in error
    assert "check UCCX_USER and UCCX_PASSWORD" in error
    assert "wrong-password" not in output + error


def test_it_names_a_missing_column(env, simulator, tmp_path):
    broken = tmp_path / "broken.sqlite3"
    shutil.copy(simulator.store.path, broken)
    with sqlite3.connect(broken) as db:
        db.execute(f"ALTER TABLE {mapping.DIALING_LIST.name} DROP COLUMN {mapping.CALL_RESULT_02}")
    env.setenv("INFORMIX_DSN", f"DRIVER=SQLite3;Database={broken};NoCreat=1")

    output, error = failing_uccx_check()

    missing = f"{mapping.DIALING_LIST.name}.{mapping.CALL_RESULT_02}"
    assert f"missing column: {missing}" in output
    assert f"missing column(s) {missing}" in error
    assert "REST" not in error


def test_it_names_unknown_codes(env, simulator):
    simulator.store.add_contacts(
        1,
        [{mapping.ACCOUNT_NUMBER: "CB1", mapping.PHONE_01: "0048221000001"}],
        allow_duplicates=False,
    )
    (contact,) = simulator.store.list_contacts(1, [mapping.CallStatus.PENDING])
    simulator.store.set_status(contact[mapping.DIALING_LIST_ID], mapping.CallStatus.CLOSED, 99)

    output, error = failing_uccx_check()

    assert f"unknown code: {mapping.DIALING_LIST.name}.{mapping.CALL_RESULT} = 99" in output
    assert "add them to CallStatus/CallResult in uccx_integration/mapping.py" in error


def test_it_names_informix_when_the_dsn_is_missing_and_hides_passwords(env):
    env.setenv("INFORMIX_DSN", "DRIVER={IBM INFORMIX ODBC DRIVER};DATABASE=db_cra;PWD=hunter2")

    output, error = failing_uccx_check()

    assert "Informix: ODBC driver 'IBM INFORMIX ODBC DRIVER' is not installed" in error
    assert "PWD=***" in output
    assert "hunter2" not in output + error


def test_it_asks_for_the_settings_it_lacks(env):
    env.delenv("UCCX_URL")
    env.delenv("INFORMIX_DSN")

    _, error = failing_uccx_check()

    assert "REST: UCCX_URL is not set" in error
    assert "Informix: INFORMIX_DSN is not set" in error
