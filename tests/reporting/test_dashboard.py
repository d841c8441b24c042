"""The reports dashboard (/admin/reports/) and its CSV export, through the test client,
over the hand-worked cast of tests/reporting/dashboard_cast.py; and the SVG geometry."""

import csv
import datetime as dt
import io
import json
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import translation

from reporting import charts, export
from reporting.charts import Series
from reporting.forms import ReportFilterForm
from reporting.templatetags.reporting_format import percent

from .dashboard_cast import FORMULA_NAME, IN_RANGE, NOW, Cast, build_cast

DASHBOARD = "reporting:dashboard"
CSV = "reporting:callbacks_csv"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


def staff(username: str, *, permitted: bool):
    # No password: force_login needs none, and hashing one costs half a second.
    user = get_user_model().objects.create_user(username, is_staff=True)
    if permitted:
        user.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    return user


@pytest.fixture
def reader(client, cast):
    """A staff member with only the reports permission."""
    client.force_login(staff("reader", permitted=True))
    return client


@pytest.fixture
def boss(client, cast):
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", None))
    return client


def tiles(response) -> dict[str, tuple[str, str]]:
    return {t.key: (t.value, t.today) for t in response.context["tiles"]}


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


# --- who may see it -----------------------------------------------------------------


def test_it_sends_visitors_who_are_not_logged_in_to_the_admin_login(client, db):
    for name in (DASHBOARD, CSV):
        response = client.get(reverse(name))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_it_forbids_staff_without_the_reports_permission(client, cast):
    client.force_login(staff("clerk", permitted=False))

    assert client.get(reverse(DASHBOARD)).status_code == 403
    assert client.get(reverse(CSV)).status_code == 403


def test_it_shows_the_reports_to_staff_with_the_permission(reader):
    response = reader.get(reverse(DASHBOARD))

    assert response.status_code == 200
    assert response.context["title"] == "Callback reports"
    assert reader.get(reverse(CSV)).status_code == 200


def test_it_shows_the_reports_to_superusers(boss):
    assert boss.get(reverse(DASHBOARD)).status_code == 200


def test_it_links_the_reports_from_the_admin_index_only_with_the_permission(client, cast):
    link = f'href="{reverse(DASHBOARD)}"'
    client.force_login(staff("clerk", permitted=False))
    assert link not in client.get(reverse("admin:index")).content.decode()

    client.force_login(staff("reader", permitted=True))
    page = client.get(reverse("admin:index")).content.decode()
    assert link in page
    assert 'id="tools-module"' in page


# --- the dashboard ------------------------------------------------------------------


def test_it_shows_each_kpi_for_the_last_30_days_and_today(reader):
    response = reader.get(reverse(DASHBOARD))

    assert tiles(response) == {
        "requested": ("9", "3"),
        "completed": ("3", "1"),
        "failed": ("2", "0"),
        "expired": ("1", "1"),
        "cancelled": ("1", "0"),
        "satisfied": ("0", "0"),
        "on_time_rate": ("57.1%", "66.7%"),
        "late": ("3", "1"),
        "first_attempt_reach_rate": ("33.3%", "50.0%"),
        # Issue 17 point 10: hours a reader need not work out (991.7 and 1443.0 minutes).
        "avg_minutes_to_contact": ("16 h 32 min", "1 d 0 h"),
        "recalled": ("0", "0"),  # no recall rounds in this cast: one round each
        "personal_fell_back": ("1", "0"),
    }
    notes = {t.key: t.note for t in response.context["tiles"]}
    assert notes["on_time_rate"] == "4 of 7 judged"
    assert notes["personal_fell_back"] == "20.0% of 5 personal"
    assert notes["recalled"].startswith("9 rounds, ")
    html = response.content.decode()
    assert re.search(r'id="tile-on_time_rate".*?57\.1%.*?Today: <strong>66\.7%', html, re.S)


@pytest.mark.parametrize(
    ("query", "requested", "broken"),
    [
        ({"campaign": "premium"}, ("2", "1"), ("0", "0")),
        ({"skill": "support"}, ("3", "1"), ("2", "0")),
        ({"agent": "jkowalski"}, ("3", "1"), ("1", "1")),
        ({"campaign": "premium", "agent": "asmith"}, ("0", "0"), ("0", "0")),
    ],
)
def test_it_applies_the_campaign_skill_and_agent_filters(reader, cast, query, requested, broken):
    params = {k: getattr(cast, v).pk if k != "agent" else v for k, v in query.items()}

    response = reader.get(reverse(DASHBOARD), params)

    assert response.status_code == 200
    assert (tiles(response)["requested"], tiles(response)["late"]) == (requested, broken)
    for name, value in params.items():
        assert response.context["form"][name].value() == str(value)


def test_it_offers_campaigns_skills_and_agents_to_filter_by(reader):
    html = reader.get(reverse(DASHBOARD)).content.decode()

    for option in ("Callback_Main", "Callback_Premium", "Sales", "Support"):
        assert re.search(rf"<option value=\"\d+\">{option}</option>", html)
    assert '<option value="asmith">Alice Smith (asmith)</option>' in html
    assert '<option value="jkowalski">Jan Kowalski (jkowalski)</option>' in html


def test_it_draws_one_bar_segment_per_outcome_of_each_day(reader):
    response = reader.get(reverse(DASHBOARD))

    chart = response.context["outcome_chart"]
    # 5 Nov: failed; 10 Nov: completed, cancelled, rescheduled; 18 Nov: completed,
    # failed; 20 Nov: completed, expired, pending.
    assert sorted(r.title for r in chart.rects) == sorted(
        [
            "Thu 2026-11-05 Failed: 1",
            "Tue 2026-11-10 Completed: 1",
            "Tue 2026-11-10 Cancelled: 1",
            "Tue 2026-11-10 Rescheduled: 1",
            "Wed 2026-11-18 Completed: 1",
            "Wed 2026-11-18 Failed: 1",
            "Fri 2026-11-20 Completed: 1",
            "Fri 2026-11-20 Expired: 1",
            "Fri 2026-11-20 Pending: 1",
        ]
    )
    assert response.content.decode().count('<rect class="series-') == 9


def test_it_draws_the_on_time_rate_only_for_days_with_judged_callbacks(reader):
    chart = reader.get(reverse(DASHBOARD)).context["rate_chart"]

    assert [p.title for p in chart.points] == [
        "Thu 2026-11-05: 0.0% on time (0 of 1 judged)",
        "Tue 2026-11-10: 100.0% on time (1 of 1 judged)",
        "Wed 2026-11-18: 50.0% on time (1 of 2 judged)",
        "Fri 2026-11-20: 66.7% on time (2 of 3 judged)",
    ]
    assert chart.lines == []  # no two judged days in a row: nothing to join


def test_it_describes_each_chart_and_gives_its_numbers_in_a_table(reader):
    html = reader.get(reverse(DASHBOARD)).content.decode()

    for chart_id in ("report-outcomes-chart", "report-on-time-chart"):
        svg = re.search(rf'<svg[^>]*id="{chart_id}".*?</svg>', html, re.S)
        assert svg, chart_id
        assert 'role="img"' in svg.group(0)
        assert re.search(r'aria-label="[^"]+2026-10-22 to 2026-11-20"', svg.group(0))
        assert f'<title id="{chart_id}-title">' in svg.group(0)
        assert f'<desc id="{chart_id}-desc">' in svg.group(0)
    assert "9 callbacks in all; the most on Tue 2026-11-10 (3)." in html
    for table_id in ("report-outcomes-numbers", "report-on-time-numbers"):
        details = re.search(rf'<details[^>]*id="{table_id}".*?</details>', html, re.S)
        assert details, table_id
        assert details.group(0).count('<th scope="row">') == 30
    assert (
        '<tr><th scope="row">Tue 2026-11-10</th>'
        "<td>1</td><td>0</td><td>0</td><td>1</td><td>1</td><td>0</td><td>0</td><td>3</td></tr>"
    ) in html


def test_it_lists_broken_promises_by_agent_and_by_skill(reader):
    html = reader.get(reverse(DASHBOARD)).content.decode()

    agents = re.search(r'id="report-broken-by-agent".*?</table>', html, re.S).group(0)
    skills = re.search(r'id="report-broken-by-skill".*?</table>', html, re.S).group(0)
    assert re.findall(r"<th scope=\"row\">([^<]+)", agents) == ["Alice Smith ", "Jan Kowalski "]
    assert "<td>2</td><td>2</td><td>100.0%</td>" in agents
    assert re.findall(r"<th scope=\"row\">([^<]+)", skills) == ["Support", "Sales"]
    assert "<td>4</td><td>1</td><td>25.0%</td>" in skills


def test_it_links_the_csv_with_the_same_filters(reader, cast):
    response = reader.get(reverse(DASHBOARD), {"campaign": cast.main.pk, "agent": "asmith"})

    url = f"{reverse(CSV)}?campaign={cast.main.pk}&amp;agent=asmith"
    html = response.content.decode()
    assert f'id="report-csv-link" href="{url}"' in html
    assert f'<input type="hidden" name="campaign" value="{cast.main.pk}">' in html
    assert day_input(html, "report-csv-start") == {
        "type": "text",
        "name": "start",
        "value": "2026-10-22",
    }
    assert day_input(html, "report-csv-end") == {
        "type": "text",
        "name": "end",
        "value": "2026-11-20",
    }


def day_input(html: str, input_id: str) -> dict[str, str]:
    """The type, name and value of the <input id=...>."""
    tag = re.search(rf'<input [^>]*id="{input_id}"[^>]*>', html).group(0)
    return {
        name: re.search(rf' {name}="([^"]*)"', tag).group(1) for name in ("type", "name", "value")
    }


def test_it_includes_the_uccx_health_box(boss):
    html = boss.get(reverse(DASHBOARD)).content.decode()

    assert 'id="uccx-health-module"' in html
    assert 'id="uccx-task-export_due_callbacks"' in html


def test_it_leaves_the_health_box_out_for_who_may_not_see_it(reader):
    assert 'id="uccx-health-module"' not in reader.get(reverse(DASHBOARD)).content.decode()


@pytest.mark.parametrize(
    "query", [{"campaign": "abc"}, {"campaign": "999999"}, {"agent": "nobody"}]
)
def test_it_answers_400_with_the_reason_for_bad_dashboard_filters(reader, query):
    response = reader.get(reverse(DASHBOARD), query)

    assert response.status_code == 400
    assert "These filters cannot be applied" in response.content.decode()
    assert "tiles" not in response.context


def test_it_names_bad_filters_in_words_not_field_names(reader):
    response = reader.get(reverse(DASHBOARD), {"start": "2027-02-29", "agent": "nobody"})

    assert response.status_code == 400
    note = text_of(
        re.search(r'id="report-filter-errors".*?</div>', response.content.decode(), re.S).group(0)
    )
    assert "Agent: Select a valid choice." in note
    assert "First day: 2027-02-29 does not exist: that month has no day 29." in note
    assert "start:" not in note and "agent:" not in note


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" :", ":")


# --- the CSV export -----------------------------------------------------------------


def test_it_streams_the_csv_as_an_attachment_named_by_its_days(reader):
    response = reader.get(reverse(CSV))

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="callback-report_2026-10-22_2026-11-20.csv"'
    )


def test_it_heads_the_csv_with_the_view_columns_in_view_order(reader):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cm_callback_report WHERE 1 = 0")
        view_columns = [column[0] for column in cursor.description]

    assert csv_rows(reader.get(reverse(CSV)))[0] == view_columns


def test_it_writes_the_callbacks_of_the_last_30_days_by_promised_time(reader, cast):
    rows = csv_rows(reader.get(reverse(CSV)))

    header, body = rows[0], rows[1:]
    account = header.index("account_number")
    assert len(body) == IN_RANGE
    assert body[0][account] == cast.callbacks["late_failed"].account_number
    assert body[-1][account] == cast.callbacks["today_in_dialer"].account_number


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"campaign": "premium"}, {"cancelled", "today_in_dialer"}),
        ({"skill": "support"}, {"today_in_dialer", "late_fell_back", "late_failed"}),
        ({"agent": "asmith"}, {"late_fell_back", "late_failed"}),
        ({"start": "2026-10-21", "end": "2026-10-21"}, {"before_range"}),
        ({"start": "2026-11-20", "end": "2026-11-30"}, {
            "today_completed", "today_expired", "today_in_dialer", "after_today"
        }),
    ],
)  # fmt: skip
def test_it_filters_the_csv_rows(reader, cast, query, expected):
    params = {k: getattr(cast, v).pk if k in ("campaign", "skill") else v for k, v in query.items()}

    rows = csv_rows(reader.get(reverse(CSV), params))

    account = rows[0].index("account_number")
    names = {c.account_number: name for name, c in cast.callbacks.items()}
    assert {names[row[account]] for row in rows[1:]} == expected


def test_it_writes_utc_times_with_z_and_the_local_promise_as_wall_clock(reader, cast):
    rows = csv_rows(reader.get(reverse(CSV)))

    row = dict(zip(rows[0], rows[-1], strict=True))  # today_in_dialer
    assert row["promised_at_utc"] == "2026-11-20T08:30:00Z"
    assert row["promised_at_local"] == "2026-11-20 09:30:00"  # Warsaw, UTC+1
    assert row["promised_date"] == "2026-11-20"
    assert row["created_at_utc"] == "2026-11-20T08:00:00Z"
    assert row["first_dial_at_utc"] == "2026-11-20T08:31:00Z"
    assert row["connected_at_utc"] == ""
    assert (row["on_time"], row["minutes_late"], row["fell_back_to_skill"]) == ("1", "1", "0")
    assert row["agent_id"] == ""


def test_it_starts_the_csv_with_a_byte_order_mark_for_excel(reader):
    body = b"".join(reader.get(reverse(CSV)).streaming_content)

    assert body.startswith(b"\xef\xbb\xbfcallback_id,")
    assert "Wiśniewski".encode() in body


def test_it_defuses_cells_a_spreadsheet_would_run_as_formulas(reader, cast):
    rows = csv_rows(reader.get(reverse(CSV)))

    by_account = {
        row[rows[0].index("account_number")]: dict(zip(rows[0], row, strict=True)) for row in rows
    }
    late_failed = by_account[cast.callbacks["late_failed"].account_number]
    cancelled = by_account[cast.callbacks["cancelled"].account_number]
    assert late_failed["customer_first_name"] == "'" + FORMULA_NAME
    assert late_failed["customer_last_name"] == "'@SUM(A1:A9)"
    assert cancelled["customer_first_name"] == "'+1+cmd|' /C calc'!A0"
    assert cancelled["customer_last_name"] == "'-2+3"
    assert cancelled["phone_number"] == cast.callbacks["cancelled"].phone_number  # +48...


def test_it_sends_the_csv_in_chunks(reader, monkeypatch):
    monkeypatch.setattr(export, "LINES_PER_WRITE", 4)

    chunks = list(reader.get(reverse(CSV)).streaming_content)

    # The header, then 9 rows in writes of 4, 4 and 1.
    assert [chunk.count(b"\r\n") for chunk in chunks] == [1, 4, 4, 1]


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"campaign": "abc"}, "campaign", "invalid_choice"),
        ({"campaign": "999999"}, "campaign", "invalid_choice"),
        ({"skill": "-1"}, "skill", "invalid_choice"),
        ({"agent": "nobody"}, "agent", "invalid_choice"),
        ({"start": "2026-13-01"}, "start", "invalid"),
        ({"end": "20.11.2026"}, "end", "invalid"),
        ({"start": "2026-11-20", "end": "2026-11-01"}, None, "invalid_range"),
        ({"start": "2026-12-01"}, None, "invalid_range"),  # after the default end, today
    ],
)
def test_it_answers_400_with_the_reason_for_bad_csv_filters(reader, query, field, code):
    response = reader.get(reverse(CSV), query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = json.loads(response.content)["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    assert errors[0]["message"]


@pytest.mark.parametrize(
    ("day", "says"),
    [
        ("2027-02-29", "2027-02-29 does not exist: that month has no day 29."),
        ("2026-13-01", "2026-13-01 does not exist: there is no month 13."),
        ("2026-11-31", "2026-11-31 does not exist: that month has no day 31."),
        ("20.11.2026", "Enter the day as YYYY-MM-DD, e.g. 2026-11-23."),
    ],
)
def test_the_filter_form_names_a_day_the_calendar_lacks_or_a_wrong_format(db, day, says):
    form = ReportFilterForm({"start": day}, today=dt.date(2026, 11, 20))

    assert not form.is_valid()
    assert [(e.code, e.message) for e in form.errors.as_data()["start"]] == [("invalid", says)]


def test_the_filter_form_reads_iso_days_and_fills_the_30_days_up_to_today(db):
    form = ReportFilterForm({"end": "2026-02-28"}, today=dt.date(2026, 11, 20))

    assert form.is_valid(), form.errors
    assert (form.report_filter().start, form.report_filter().end) == (
        dt.date(2026, 1, 30),
        dt.date(2026, 2, 28),
    )


def test_the_filter_form_speaks_polish(db):
    with translation.override("pl"):
        form = ReportFilterForm(
            {"start": "2027-02-29", "end": "23.11.2026"}, today=dt.date(2026, 11, 20)
        )
        errors = {name: list(messages) for name, messages in form.errors.items()}

    assert errors == {
        "start": ["2027-02-29 nie istnieje: ten miesiąc nie ma dnia 29."],
        "end": ["Podaj dzień jako RRRR-MM-DD, np. 2026-11-23."],
    }


def test_a_browser_sent_bad_export_days_sees_the_dashboard_with_the_reason(reader, cast):
    query = {"campaign": cast.main.pk, "start": "2027-02-29", "end": "2027-03-05"}
    response = reader.get(
        reverse(CSV), query, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8"
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "First day: 2027-02-29 does not exist: that month has no day 29." in text_of(html)
    # The export form again, as typed, with the filters it carried.
    assert day_input(html, "report-csv-start")["value"] == "2027-02-29"
    assert day_input(html, "report-csv-end")["value"] == "2027-03-05"
    assert f'<input type="hidden" name="campaign" value="{cast.main.pk}">' in html


def test_a_program_sent_bad_export_days_gets_json(reader):
    response = reader.get(reverse(CSV), {"start": "2027-02-29"}, HTTP_ACCEPT="*/*")

    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["errors"] == [
        {
            "field": "start",
            "code": "invalid",
            "message": "2027-02-29 does not exist: that month has no day 29.",
        }
    ]


# --- chart geometry -----------------------------------------------------------------

DAYS = [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(3)]
TWO = [Series("completed", "Completed"), Series("failed", "Failed")]


def test_it_stacks_each_days_outcomes_in_proportion():
    chart = charts.stacked_bars(DAYS, [{"completed": 3, "failed": 1}, {}, {"failed": 2}], TWO)

    low, high, alone = chart.rects
    assert (low.series, high.series, alone.series) == ("completed", "failed", "failed")
    assert low.y + low.height == charts.BOTTOM  # stacked from the axis up
    assert high.y + high.height == pytest.approx(low.y, abs=0.1)
    assert low.height == pytest.approx(3 * high.height, abs=0.2)
    assert alone.height == pytest.approx(2 * high.height, abs=0.2)
    assert high.y == charts.TOP  # 4, the tallest, is the top of the axis
    assert [t.label for t in chart.y_ticks] == ["0", "1", "2", "3", "4"]


@pytest.mark.parametrize(
    ("highest", "ticks"),
    [(0, ["0", "1"]), (7, ["0", "2", "4", "6", "8"]), (26, ["0", "10", "20", "30"])],
)
def test_it_rounds_the_bar_axis_to_a_few_round_ticks(highest, ticks):
    chart = charts.stacked_bars(DAYS[:1], [{"completed": highest}], TWO)

    assert [t.label for t in chart.y_ticks] == ticks


def test_it_breaks_the_rate_line_where_a_day_has_no_rate():
    chart = charts.rate_line(
        [*DAYS, dt.date(2026, 11, 4)], [1.0, 0.5, None, 0.0], ["a", "b", "c", "d"]
    )

    assert [p.title for p in chart.points] == ["a", "b", "d"]
    first, second, last = chart.points
    assert chart.lines == [f"{first.x},{first.y} {second.x},{second.y}"]
    assert (first.y, last.y) == (charts.TOP, charts.BOTTOM)
    assert [t.label for t in chart.y_ticks] == ["0%", "25%", "50%", "75%", "100%"]


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(None, "—"), (2.4, "2 min"), (59.6, "1 h 0 min"), (937.0, "15 h 37 min"), (2900, "2 d 0 h")],
)
def test_it_writes_the_booking_to_contact_average_in_hours_and_days(minutes, shown):
    from reporting.templatetags.reporting_format import duration

    assert duration(minutes) == shown


@pytest.mark.parametrize(
    ("language", "rate", "shown"),
    [
        ("en", 0.5714, "57.1%"),
        ("pl", 0.5714, "57,1%"),
        ("pl", 1.0, "100,0%"),
        ("en", 2 / 3, "66.7%"),
        ("pl", None, "—"),
    ],
)
def test_it_writes_rates_with_the_languages_decimal_separator(language, rate, shown):
    with translation.override(language):
        assert percent(rate) == shown
