"""The do-not-call list's entries, matching, CSV import (all or nothing, errors by line)
and export, and their admin pages."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scheduling.do_not_call import (
    EntryError,
    export_csv,
    import_csv,
    listed_numbers,
    normalise,
)
from scheduling.models import DoNotCallEntry, DoNotCallKind

AT = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)

BAD = (
    "value,kind,reason,ends_on\n"
    "+48221234567,number,asked by letter,\n"  # line 2: fine
    "12,number,too short,\n"  # line 3: no number
    "+48700,prefix,,\n"  # line 4: no reason
    "48700,prefix,premium,\n"  # line 5: a prefix without +
    "+48601234567,number,moved,31/12/2026\n"  # line 6: not an ISO date
    "0048 22 123 45 67,number,twice,\n"  # line 7: line 2 again, written otherwise
    "+48601234567,fax,wrong kind,\n"  # line 8: an unknown kind
)
GOOD = (
    "value,kind,reason,ends_on\n"
    "22 123 45 67,,asked by phone,2026-12-31\n"
    "+48700,prefix,premium rate,\n"
    '+48601234567,number,"=HYPERLINK(""x"")",\n'
)


@pytest.fixture
def rules(db):
    from scheduling.models import GlobalRules

    return GlobalRules.load()  # default country PL


def test_it_normalises_numbers_to_e164_and_checks_prefixes(rules):
    assert normalise(DoNotCallKind.NUMBER, "0048 22 123 45 67") == "+48221234567"
    assert normalise(DoNotCallKind.NUMBER, "22 123 45 67") == "+48221234567"
    assert normalise(DoNotCallKind.PREFIX, "0048 700") == "+48700"
    for kind, raw in [
        (DoNotCallKind.NUMBER, "123"),
        (DoNotCallKind.PREFIX, "48700"),
        (DoNotCallKind.PREFIX, "+48x"),
        (DoNotCallKind.PREFIX, "+" + "1" * 16),
    ]:
        with pytest.raises(EntryError):
            normalise(kind, raw)


def test_the_number_and_the_longest_prefix_win(rules):
    DoNotCallEntry.objects.create(value="+48", kind=DoNotCallKind.PREFIX, reason="country")
    DoNotCallEntry.objects.create(value="+48700", kind=DoNotCallKind.PREFIX, reason="premium")
    DoNotCallEntry.objects.create(value="+48221234567", reason="the customer")
    DoNotCallEntry.objects.create(
        value="+1212", kind=DoNotCallKind.PREFIX, reason="over", ends_on=dt.date(2026, 11, 19)
    )

    found = listed_numbers(["+48221234567", "+48700123456", "+48601234567", "+12125550100"], at=AT)

    assert {number: entry.reason for number, entry in found.items()} == {
        "+48221234567": "the customer",
        "+48700123456": "premium",
        "+48601234567": "country",
    }


def test_a_file_with_bad_rows_imports_nothing_and_names_each_line(rules):
    DoNotCallEntry.objects.create(value="+48500000000", reason="before")

    result = import_csv(BAD)

    assert not result.saved
    assert [(e.line, e.field) for e in result.errors] == [
        (3, "value"),
        (4, "reason"),
        (5, "value"),
        (6, "ends_on"),
        (7, "value"),
        (8, "kind"),
    ]
    assert "line 2" in result.errors[4].message
    assert list(DoNotCallEntry.objects.values_list("value", flat=True)) == ["+48500000000"]


def test_a_good_file_imports_every_row_and_updates_listed_values(rules):
    DoNotCallEntry.objects.create(value="+48700", kind=DoNotCallKind.PREFIX, reason="old")

    result = import_csv(GOOD)

    assert (result.saved, result.created, result.updated, result.errors) == (True, 2, 1, [])
    rows = DoNotCallEntry.objects.order_by("value").values_list(
        "value", "kind", "reason", "ends_on"
    )
    assert list(rows) == [
        ("+48221234567", "number", "asked by phone", dt.date(2026, 12, 31)),
        ("+48601234567", "number", '=HYPERLINK("x")', None),
        ("+48700", "prefix", "premium rate", None),
    ]
    assert DoNotCallEntry.objects.get(value="+48700").history.count() == 2  # edit kept


def test_check_only_saves_nothing(rules):
    result = import_csv(GOOD, dry_run=True)

    assert (result.saved, len(result.rows), result.errors) == (False, 3, [])
    assert not DoNotCallEntry.objects.exists()


def test_an_export_imports_back_unchanged(rules):
    import_csv(GOOD)
    before = list(
        DoNotCallEntry.objects.order_by("value").values("value", "kind", "reason", "ends_on")
    )
    exported = export_csv()
    # A reason a spreadsheet would run is written with an apostrophe; a number as it is.
    assert '+48601234567,number,"\'=HYPERLINK(""x"")",\r\n' in exported
    DoNotCallEntry.objects.all().delete()

    result = import_csv(exported)

    assert result.saved and result.created == 3
    after = list(
        DoNotCallEntry.objects.order_by("value").values("value", "kind", "reason", "ends_on")
    )
    assert after == before


def test_a_file_without_the_header_is_refused(rules):
    result = import_csv("+48221234567,number,x,\n")

    assert [(e.line, e.field) for e in result.errors] == [(1, "header")]


# --- admin ---------------------------------------------------------------------------


@pytest.fixture
def staff(client, rules):
    user = get_user_model().objects.create_superuser("dnc", "dnc@example.com", "pw")
    client.force_login(user)
    return client


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("list.csv", text.encode("utf-8"), content_type="text/csv")


def test_the_admin_import_shows_errors_by_line_and_saves_nothing(staff):
    url = reverse("admin:scheduling_donotcallentry_import")

    response = staff.post(url, {"file": upload(BAD)})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported: 6 lines to correct." in html
    assert "Line 4: reason: Give the reason" in html
    assert not DoNotCallEntry.objects.exists()


def test_the_admin_import_saves_a_good_file_and_export_downloads_it(staff):
    response = staff.post(reverse("admin:scheduling_donotcallentry_import"), {"file": upload(GOOD)})

    assert response.status_code == 302
    assert DoNotCallEntry.objects.count() == 3
    download = staff.get(reverse("admin:scheduling_donotcallentry_export"))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download.content.decode("utf-8-sig").startswith("value,kind,reason,ends_on\r\n")
    assert "+48700,prefix,premium rate," in download.content.decode()


def test_the_admin_form_normalises_and_refuses_a_duplicate(staff):
    url = reverse("admin:scheduling_donotcallentry_add")
    data = {"kind": "number", "value": "0048 22 123 45 67", "reason": "asked", "ends_on": ""}

    assert staff.post(url, data).status_code == 302
    again = staff.post(url, {**data, "value": "22 123 45 67"})

    assert DoNotCallEntry.objects.get().value == "+48221234567"
    assert "+48221234567 is already on the list." in again.content.decode()
