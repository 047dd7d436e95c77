"""
The network report in the Django admin, at ``/admin/cities_network_plugin/report/``: filters, and for each
figure a chart, its table and a CSV download (``?export=<table>`` with the same filters).

Network managers only: a city admin gets 403, because the report shows every city. The page is the change
list of the ``Report`` proxy model (see ``reporting.models``), so it lives on the default ``admin.site``.
"""
from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..tenancy import permissions
from ..tenancy.models import City, CityStatus
from . import api, charts, labels
from . import csv as report_csv
from .models import Report


class ReportFilterForm(forms.Form):
    """The filters, named as the API's query parameters; ``ReportFilters.from_params`` reads them."""

    date_from = forms.DateField(required=False, label=gettext_lazy("From"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    country = forms.MultipleChoiceField(required=False, label=gettext_lazy("Countries"),
                                        help_text=gettext_lazy("None selected: every country."))
    status = forms.MultipleChoiceField(required=False, label=gettext_lazy("City status"), choices=CityStatus.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=gettext_lazy("None ticked: every status."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = City.objects.order_by("country").values_list("country", flat=True).distinct()
        self.fields["country"].choices = [(code, code) for code in countries]
        self.fields["country"].widget.attrs["size"] = min(max(len(self.fields["country"].choices), 2), 8)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The report page; read-only, and only its list URL exists."""

    template = "cities_network_plugin/admin/network_report.html"

    def has_module_permission(self, request):
        return request.user.is_staff and permissions.is_network_manager(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        # Not inside the request's transaction (Open edX sets ATOMIC_REQUESTS): the summaries' catch-up commits
        # chunk by chunk and holds its lock only while it counts (reporting.summaries).
        return [path("", transaction.non_atomic_requests(self.admin_site.admin_view(self.changelist_view)),
                     name=name)]

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied(_("Only network managers see the network report."))
        form = ReportFilterForm(request.GET or None)
        try:
            filters = api.ReportFilters.from_params(request.GET)
        except ValidationError as exc:
            if "export" in request.GET:
                return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain; charset=utf-8")
            return self._render(request, form, errors=exc.messages)
        export = request.GET.get("export")
        if export is not None:
            return self._export(export, filters)
        report = api.network_report(filters)
        report_charts = charts.report_charts(report)
        query = request.GET.copy()
        query.pop("export", None)
        figures = []
        for table in report.tables():
            query["export"] = table.name
            figures.append({"table": table, "chart": report_charts[table.name], "csv_url": f"?{query.urlencode()}",
                            "title": labels.title(table), "columns": labels.columns(table),
                            "rows": labels.rows(table), "total": labels.total(table)})
        return self._render(request, form, report=report, figures=figures)

    def _render(self, request: HttpRequest, form: ReportFilterForm, **context) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": _("Network report"), "form": form,
            "network_name": settings.CITIES_NETWORK_NAME, **context,
        }
        return TemplateResponse(request, self.template, context)

    @staticmethod
    def _export(table_name: str, filters: api.ReportFilters) -> HttpResponse:
        if table_name not in api.TABLE_NAMES:
            return HttpResponseBadRequest(_("No table '%(table)s'; the tables are: %(tables)s.")
                                          % {"table": table_name, "tables": ", ".join(api.TABLE_NAMES)},
                                          content_type="text/plain; charset=utf-8")
        text = report_csv.write_table(api.build_table(table_name, filters))
        # The byte order mark lets Excel recognise UTF-8 (the admin's downloads are opened in spreadsheets).
        response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{report_csv.filename(table_name, filters)}"'
        return response
