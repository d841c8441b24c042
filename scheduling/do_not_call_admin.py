"""The do-not-call list in the admin: entries edited one by one (with history), a CSV
import (all or nothing, errors by line, "check only" to preview) and a CSV export of the
list or of the selected entries. The parsing and matching live in do_not_call.py."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .do_not_call import EntryError, export_csv, import_csv, normalise
from .models import DoNotCallEntry, GlobalRules

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class DoNotCallEntryForm(forms.ModelForm):
    class Meta:
        model = DoNotCallEntry
        fields = ("kind", "value", "reason", "ends_on")

    def clean(self):
        data = super().clean()
        if "kind" in data and data.get("value"):
            try:
                data["value"] = normalise(data["kind"], data["value"])
            except EntryError as error:
                self.add_error(error.field, error.message)
                return data
            taken = DoNotCallEntry.objects.filter(value=data["value"]).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "value", gettext("%(value)s is already on the list.") % {"value": data["value"]}
                )
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    check_only = forms.BooleanField(
        required=False, label=_("Check only: show the errors, save nothing")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(gettext("The file is larger than 5 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(gettext("The file is not UTF-8 text.")) from None


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.action(description=_("Export the selected entries as CSV"))
def export_selected(modeladmin, request, queryset):
    return _csv_response(export_csv(queryset.order_by("value")), "do-not-call-selected.csv")


@admin.register(DoNotCallEntry)
class DoNotCallEntryAdmin(SimpleHistoryAdmin):
    form = DoNotCallEntryForm
    actions = (export_selected,)
    list_display = ("value", "kind", "reason", "ends_on", "updated_at")
    list_filter = ("kind", ("ends_on", admin.EmptyFieldListFilter))
    search_fields = ("value", "reason")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (
            None,
            {
                "description": _(
                    "Numbers and prefixes never to call back. A booking for a "
                    "listed number is refused (do_not_call); a callback booked before its "
                    "number was listed is cancelled when it is due, with this reason in its "
                    "timeline, and never sent to UCCX."
                ),
                "fields": ("kind", "value", "reason", "ends_on", "created_at", "updated_at"),
            },
        ),
    )

    def get_urls(self):
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return _csv_response(export_csv(), "do-not-call.csv")

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        result = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            result = import_csv(form.cleaned_data["file"], dry_run=form.cleaned_data["check_only"])
            if result.saved:
                self.message_user(
                    request,
                    ngettext(
                        "Imported %(count)d entry: %(created)d new, %(updated)d updated.",
                        "Imported %(count)d entries: %(created)d new, %(updated)d updated.",
                        len(result.rows),
                    )
                    % {
                        "count": len(result.rows),
                        "created": result.created,
                        "updated": result.updated,
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import the do-not-call list"),
            "form": form,
            "result": result,
            "default_region": GlobalRules.load().default_region,
            "time_zone": settings.TIME_ZONE,
        }
        return TemplateResponse(
            request, "admin/scheduling/donotcallentry/import.html", context, status=200
        )
