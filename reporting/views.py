"""The reports dashboard and the CSV export, two admin pages (reporting/urls.py).

Both need the `reporting.view_dashboard` permission and read through selectors.py;
`forms.ReportFilterForm` reads their filters from the query string.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from callbacks.models import Status
from scheduling.display import short_day
from scheduling.models import GlobalRules

from . import charts, export, selectors
from .forms import ExportDaysForm, ReportFilterForm, filter_query
from .selectors import DayMeasures, Measures, ReportTotals
from .templatetags.reporting_format import duration, percent

PERMISSION = "reporting.view_dashboard"
TITLE = _("Callback reports")
DASHBOARD_DAYS = 30

# Outcome stacks, bottom-up; together they are every requested callback.
OUTCOMES = [
    charts.Series("completed", Status.COMPLETED.label),
    charts.Series("failed", Status.FAILED.label),
    charts.Series("expired", Status.EXPIRED.label),
    charts.Series("cancelled", Status.CANCELLED.label),
    charts.Series("rescheduled", Status.RESCHEDULED.label),
    charts.Series("satisfied", _("Satisfied (called in)")),
    charts.Series("pending", _("Pending")),
]


@dataclasses.dataclass(frozen=True, slots=True)
class Tile:
    key: str
    label: str | Promise
    value: str  # the last 30 days
    today: str
    note: str | Promise  # what the value is made of, e.g. "4 of 7 judged"


# The export form's inputs: id="report-csv-start" and id="report-csv-end".
CSV_FORM_IDS = "report-csv-%s"


def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard; with bad filters (its own, or the export form's: callbacks_csv
    shows them here) 400 with the reasons in words and the export form as typed."""
    _require_permission(request)
    today = timezone.localdate(timezone.now(), timezone.get_default_timezone())
    form = ReportFilterForm(request.GET, today=today)
    context: dict[str, Any] = {
        **admin.site.each_context(request),
        "title": TITLE,
        "form": form,
        "today": today,
        "time_zone": settings.TIME_ZONE,
        "on_time_minutes": _on_time_minutes(),
        "outcomes": OUTCOMES,
    }
    if not form.is_valid():
        context |= {
            "query": filter_query(request.GET),
            "csv_form": ExportDaysForm(request.GET, auto_id=CSV_FORM_IDS),
        }
        return TemplateResponse(request, "reporting/dashboard.html", context, status=400)
    chosen = form.report_filter()
    month = dataclasses.replace(
        chosen, start=today - dt.timedelta(days=DASHBOARD_DAYS - 1), end=today
    )
    totals = selectors.report_totals(filter=month)
    today_totals = selectors.report_totals(
        filter=dataclasses.replace(month, start=today, end=today)
    )
    days = selectors.report_by_day(filter=month)
    query = filter_query(request.GET)
    context |= _chart_context(days, totals)
    context |= {
        "start": month.start,
        "end": month.end,
        "tiles": _tiles(totals, today_totals),
        "days": days,
        "agents": selectors.broken_promises_by_agent(filter=month),
        "skills": selectors.broken_promises_by_skill(filter=month),
        "query": query,
        "csv_url": _url("reporting:callbacks_csv", query),
        "csv_form": ExportDaysForm(
            initial={"start": chosen.start, "end": chosen.end}, auto_id=CSV_FORM_IDS
        ),
    }
    return TemplateResponse(request, "reporting/dashboard.html", context)


def callbacks_csv(request: HttpRequest) -> HttpResponseBase:
    """cm_callback_report rows as CSV, streamed. Bad filters: 400 with the reasons, as
    JSON for a program, or as the dashboard for a browser (the export form sent them)."""
    _require_permission(request)
    today = timezone.localdate(timezone.now(), timezone.get_default_timezone())
    form = ReportFilterForm(request.GET, today=today)
    if not form.is_valid():
        if request.get_preferred_type(["application/json", "text/html"]) == "text/html":
            return dashboard(request)
        return _invalid_filter(form)
    chosen = form.report_filter()
    rows = (
        selectors.report_rows(filter=chosen)
        .values_list(*export.COLUMNS)
        .iterator(chunk_size=export.CHUNK_SIZE)
    )
    response = StreamingHttpResponse(export.csv_lines(rows), content_type="text/csv; charset=utf-8")
    filename = export.csv_filename(chosen.start, chosen.end)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _require_permission(request: HttpRequest) -> None:
    # admin_view (urls.py) already sent anyone not staff to the login page.
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def _invalid_filter(form: ReportFilterForm) -> JsonResponse:
    """The API's error shape: {"errors": [{"field", "code", "message"}]}."""
    errors = [
        {
            "field": None if name == "__all__" else name,
            "code": error.code or "invalid",
            "message": " ".join(error.messages),
        }
        for name, field_errors in form.errors.as_data().items()
        for error in field_errors
    ]
    return JsonResponse({"errors": errors}, status=400)


def _on_time_minutes() -> int:
    stored = GlobalRules.objects.values_list("on_time_minutes", flat=True).first()
    return stored if stored is not None else GlobalRules().on_time_minutes


def _url(name: str, query: dict[str, str]) -> str:
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


def _tiles(month: ReportTotals, today: ReportTotals) -> list[Tile]:
    def tile(key: str, label: Any, show: Callable[[ReportTotals], str], note: Any) -> Tile:
        return Tile(key=key, label=label, value=show(month), today=show(today), note=note)

    def count(name: str) -> Callable[[ReportTotals], str]:
        return lambda totals: str(getattr(totals.measures, name))

    m = month.measures
    return [
        tile(
            "requested", _("Requested"), count("requested"), _("callbacks promised for these days")
        ),
        tile("completed", _("Completed"), count("completed"), _("reached an agent or the script")),
        tile("failed", _("Failed"), count("failed"), _("dialed, never answered")),
        tile("expired", _("Expired"), count("expired"), _("too late to dial")),
        tile("cancelled", _("Cancelled"), count("cancelled"), _("withdrawn before the call")),
        tile("satisfied", _("Satisfied"), count("satisfied"), _("the customer called in first")),
        tile(
            "on_time_rate",
            _("On-time rate"),
            lambda t: percent(t.measures.on_time_rate),
            _("%(on_time)d of %(judged)d judged") % {"on_time": m.on_time, "judged": m.judged},
        ),
        tile("late", _("Broken promises"), count("late"), _("not dialed on time")),
        tile(
            "first_attempt_reach_rate",
            _("First-attempt reach rate"),
            lambda t: percent(t.measures.first_attempt_reach_rate),
            _("%(reached)d of %(dialed)d dialed")
            % {"reached": m.reached_first_attempt, "dialed": m.dialed},
        ),
        tile(
            "avg_minutes_to_contact",
            _("Avg time booking → contact"),
            lambda t: duration(t.measures.avg_minutes_to_contact),
            _("from booking to the answered call, the wait for the promised time included"),
        ),
        tile(
            "recalled",
            _("Needed more rounds"),
            count("recalled"),
            _("%(rounds)d rounds, %(attempts)d dial attempts in all")
            % {"rounds": m.rounds, "attempts": m.attempts},
        ),
        tile(
            "personal_fell_back",
            _("Personal fell back to skill"),
            lambda t: str(t.personal_fell_back),
            _("%(rate)s of %(personal)d personal")
            % {"rate": percent(month.personal_fell_back_rate), "personal": month.personal},
        ),
    ]


def _chart_context(days: list[DayMeasures], totals: ReportTotals) -> dict[str, Any]:
    """Both charts, what a screen reader says of them, and their numbers as table rows."""
    dates = [d.day for d in days]
    outcomes = [[getattr(d.measures, s.key) for s in OUTCOMES] for d in days]
    busiest = max(days, key=lambda d: d.measures.requested)
    span = _("%(first)s to %(last)s") % {
        "first": f"{dates[0]:%Y-%m-%d}",
        "last": f"{dates[-1]:%Y-%m-%d}",
    }
    m = totals.measures
    return {
        "outcome_chart": charts.stacked_bars(
            dates,
            [{s.key: n for s, n in zip(OUTCOMES, counts, strict=True)} for counts in outcomes],
            OUTCOMES,
        ),
        "outcome_label": _("Callbacks per promised day by outcome, %(span)s") % {"span": span},
        "outcome_desc": (
            _("Stacked bars, one per day: %(outcomes)s.")
            % {"outcomes": ", ".join(str(s.label).lower() for s in OUTCOMES)}
            + " "
            + (
                _("%(count)d callbacks in all; the most on %(day)s (%(most)d).")
                % {
                    "count": m.requested,
                    "day": short_day(busiest.day),
                    "most": busiest.measures.requested,
                }
                if busiest.measures.requested
                else _("%(count)d callbacks in all.") % {"count": m.requested}
            )
            + " "
            + _("The table below the chart gives every number.")
        ),
        "rate_chart": charts.rate_line(
            dates,
            [d.measures.on_time_rate for d in days],
            [f"{short_day(d.day)}: {_on_time_text(d.measures)}" for d in days],
        ),
        "rate_label": _("On-time rate per promised day, %(span)s") % {"span": span},
        "rate_desc": (
            _(
                "A line of the share of judged callbacks first dialed on time, one point per "
                "day; days with nothing judged have no point."
            )
            + " "
            + _("All %(days)d days: %(on_time)s.")
            % {"days": len(days), "on_time": _on_time_text(m)}
            + " "
            + _("The table below the chart gives every number.")
        ),
        "day_rows": [
            {"day": d.day, "outcomes": counts, "measures": d.measures}
            for d, counts in zip(days, outcomes, strict=True)
        ],
    }


def _on_time_text(m: Measures) -> str:
    return _("%(rate)s on time (%(on_time)d of %(judged)d judged)") % {
        "rate": percent(m.on_time_rate),
        "on_time": m.on_time,
        "judged": m.judged,
    }
