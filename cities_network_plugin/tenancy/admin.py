"""Django admin for cities, their organisations, their teams and the network managers."""
from django.contrib import admin
from django.utils.translation import gettext_lazy

from . import permissions
from .admin_mixins import CityScopedAdminMixin, CityScopedInlineMixin, NetworkManagersOnlyAdminMixin
from .models import City, CityOrganization, CityRole, NetworkManager


class CityOrganizationInline(CityScopedInlineMixin, admin.TabularInline):
    """Organisations on the city's page (network managers only reach that form)."""

    model = CityOrganization
    extra = 0


class CityRoleInline(CityScopedInlineMixin, admin.TabularInline):
    """The team on the city's page."""

    model = CityRole
    fk_name = "city"
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["created_by"]


@admin.register(City)
class CityAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """Cities: network managers add and edit them; each city's team sees its own city."""

    city_field = "pk"
    network_managers_write = True
    list_display = ["name", "slug", "country", "status", "organisation_list", "team_size"]
    list_filter = ["status", "country"]
    search_fields = ["name", "slug", "organizations__org"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CityOrganizationInline, CityRoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("organizations", "roles")

    @admin.display(description=gettext_lazy("organisations"))
    def organisation_list(self, city):
        return ", ".join(org.org for org in city.organizations.all()) or "—"

    @admin.display(description=gettext_lazy("team"))
    def team_size(self, city):
        return len(city.roles.all())

    def save_formset(self, request, form, formset, change):
        # Record who added each team member.
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, CityRole) and instance.created_by_id is None:
                instance.created_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(CityOrganization)
class CityOrganizationAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """Which Open edX organisation belongs to which city; network managers decide."""

    network_managers_write = True
    list_display = ["org", "name", "city"]
    list_filter = ["city"]
    search_fields = ["org", "name"]


@admin.register(CityRole)
class CityRoleAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """City teams: a city admin adds and removes the people of their own city."""

    write_action = permissions.ADMINISTER
    list_display = ["user", "role", "city", "created"]
    list_filter = ["role", "city"]
    search_fields = ["user__username", "user__email", "city__name"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(NetworkManager)
class NetworkManagerAdmin(NetworkManagersOnlyAdminMixin, admin.ModelAdmin):
    """The people who manage the whole network."""

    list_display = ["user", "created"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
