"""
CSV in the Django admin: an action that exports the selected opportunities, and an import page.

Both are thin over ``csv_io``; who may import into a city is decided by ``tenancy.permissions`` (WORK on that
city), the same rule as everywhere else, not by Django's model permissions.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..tenancy import permissions
from ..tenancy.models import City
from . import csv_io


@admin.action(description=gettext_lazy("Export selected opportunities as CSV"))
def export_as_csv(modeladmin, request: HttpRequest, queryset) -> HttpResponse:
    """One file for the whole selection, grouped by owning city (each row keeps its owner's times)."""
    queryset = permissions.scope(queryset, request.user, permissions.VIEW, "cities")
    queryset = queryset.distinct().order_by("city__name", "start", "title", "pk")
    slugs = sorted(set(queryset.values_list("city__slug", flat=True)))
    name = f"opportunities-{slugs[0] if len(slugs) == 1 else 'cities'}-{timezone.localdate():%Y-%m-%d}.csv"
    # The byte order mark lets Excel recognise UTF-8; the import skips it.
    response = HttpResponse("\ufeff" + csv_io.write_csv(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class CsvImportForm(forms.Form):
    """The city to import into, the file, and whether only to check it."""

    city = forms.ModelChoiceField(label=gettext_lazy("City"), queryset=City.objects.none())
    file = forms.FileField(label=gettext_lazy("CSV file"),
                           help_text=gettext_lazy("UTF-8, header on line 1; at most 5,000 rows and 5 MB."))
    dry_run = forms.BooleanField(required=False, label=gettext_lazy("Dry run: check the file and report, save nothing"))

    def __init__(self, *args, cities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities if cities is not None else City.objects.none()


class CsvImportAdminMixin:
    """Adds ``import-csv/`` to a ModelAdmin of opportunities; link to it from a change-list template."""

    import_csv_template = "cities_network_plugin/admin/import_csv.html"

    def get_urls(self):
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_import_csv"
        view = self.admin_site.admin_view(self.import_csv_view)  # staff only, CSRF-protected
        return [path("import-csv/", view, name=name), *super().get_urls()]

    def import_csv_view(self, request: HttpRequest) -> HttpResponse:
        cities = permissions.cities_for(request.user, permissions.WORK).order_by("name")
        if not cities.exists():
            raise PermissionDenied(_("You do not work on any city's opportunities."))
        # A city the person does not work on, of any status, or an id of no city: the same "not one of the choices".
        form = CsvImportForm(request.POST or None, request.FILES or None, cities=cities)
        result = None
        if request.method == "POST" and form.is_valid():
            city = form.cleaned_data["city"]
            result = csv_io.import_opportunities(city, form.cleaned_data["file"], request.user,
                                                 dry_run=form.cleaned_data["dry_run"])
            if result.ok and not result.dry_run:
                # Redirect so that reloading the page cannot import the same new rows twice.
                self.message_user(request, _("%(city)s: %(summary)s")
                                  % {"city": city.name, "summary": result.summary()}, messages.SUCCESS)
                return HttpResponseRedirect(self._changelist_url() or request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "title": _("Import opportunities from CSV"), "form": form, "result": result,
            "columns": csv_io.COLUMNS, "changelist_url": self._changelist_url(),
        }
        return TemplateResponse(request, self.import_csv_template, context)

    def _changelist_url(self) -> str | None:
        opts = self.model._meta
        try:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=self.admin_site.name)
        except NoReverseMatch:  # the model is not registered on this admin site
            return None


__all__ = ["CsvImportAdminMixin", "CsvImportForm", "export_as_csv"]
