"""Django admin for opportunities, playlists and learners' completions, scoped by city."""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy

from ..tenancy import permissions
from ..tenancy.admin_mixins import CityScopedAdminMixin, CityScopedInlineMixin
from . import api
from .admin_csv import CsvImportAdminMixin, export_as_csv
from .models import Opportunity, OpportunityCompletion, Playlist, PlaylistItem, PlaylistProgress


class OpportunityAdminForm(forms.ModelForm):
    """
    The course of a new opportunity is one the person may use in the city chosen (``api.check_course``); the
    admin's scope mixin gives the form its request (``scope_request``).
    """

    scope_request = None

    def clean(self):
        cleaned = super().clean()
        course_key, city = cleaned.get("course_key"), cleaned.get("city")
        if course_key and city is not None and "course_key" in self.fields and self.scope_request is not None:
            try:
                cleaned["course_key"] = api.check_course(self.scope_request.user, city, course_key)
            except ValidationError as exc:
                self.add_error(None, exc)  # the error names course_key, which drops it from the unique checks
        return cleaned


@admin.register(Opportunity)
class OpportunityAdmin(CsvImportAdminMixin, CityScopedAdminMixin, admin.ModelAdmin):
    """Opportunities of the cities the user works for (owned ones are editable); CSV import and export."""

    form = OpportunityAdminForm
    change_list_template = "cities_network_plugin/admin/opportunity_change_list.html"
    actions = [export_as_csv]
    list_display = ["title", "kind", "city", "status", "start", "online", "course_key"]
    list_filter = ["status", "kind", "online", "city"]
    search_fields = ["title", "description", "course_key", "place_name"]
    date_hierarchy = "start"
    filter_horizontal = ["cities"]
    readonly_fields = ["uuid", "created", "modified", "created_by"]
    list_select_related = ["city"]

    def get_readonly_fields(self, request, obj=None):
        # An opportunity's course is never changed (api.check_course_unchanged): it is given when it is made.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "course_key"] if obj is not None else fields

    def get_queryset(self, request):
        # The owner's team edits; teams of the cities that show it see it too.
        queryset = Opportunity.objects.all()
        if not permissions.is_network_manager(request.user):
            ids = permissions.city_ids_for(request.user)
            queryset = queryset.filter(cities__in=ids).distinct()
        return queryset

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return permissions.is_network_manager(request.user) or obj.cities.filter(
            pk__in=permissions.city_ids_for(request.user)).exists()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "cities" and not permissions.is_network_manager(request.user):
            kwargs["queryset"] = permissions.cities_for(request.user, permissions.WORK)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Cities outside the user's scope that the opportunity already had are kept.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if not permissions.is_network_manager(request.user):
            initial = {getattr(city, "pk", city) for city in form.initial.get("cities") or []}
            kept = initial - set(permissions.city_ids_for(request.user, permissions.WORK))
            if kept:
                obj.cities.add(*kept)
        obj.cities.add(obj.city)
        if obj.is_course:
            api.set_cities(obj, obj.cities.all())


class PlaylistItemFormSet(BaseInlineFormSet):
    """Only opportunities shown in the playlist's city may be added."""

    def clean(self):
        super().clean()
        city = getattr(self.instance, "city", None)
        for form in self.forms:
            opportunity = form.cleaned_data.get("opportunity") if hasattr(form, "cleaned_data") else None
            if opportunity is None or form.cleaned_data.get("DELETE") or city is None:
                continue
            if not opportunity.cities.filter(pk=city.pk).exists():
                # The domain's words, which name the opportunity by its uuid, never by its title.
                form.add_error("opportunity", api.not_shown_in(opportunity, city))


class PlaylistItemInline(CityScopedInlineMixin, admin.TabularInline):
    """The playlist's items in order."""

    model = PlaylistItem
    formset = PlaylistItemFormSet
    extra = 1
    raw_id_fields = ["opportunity"]


@admin.register(Playlist)
class PlaylistAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """Playlists of the user's cities."""

    list_display = ["title", "city", "status", "min_optional", "item_count"]
    list_filter = ["status", "city"]
    search_fields = ["title"]
    readonly_fields = ["uuid", "created", "modified"]
    inlines = [PlaylistItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items")

    @admin.display(description=gettext_lazy("items"))
    def item_count(self, obj):
        return len(obj.items.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        playlist = form.instance
        items = [(item.opportunity, item.mandatory) for item in playlist.items.select_related("opportunity")]
        try:
            api.set_playlist_items(playlist, items)  # validates and refreshes learners' progress
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), level="warning")


@admin.register(OpportunityCompletion)
class OpportunityCompletionAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """Who completed which opportunity, and how it became known."""

    city_field = "opportunity__city"
    list_display = ["user", "opportunity", "source", "completed_at", "recorded_by"]
    list_filter = ["source"]
    search_fields = ["user__username", "opportunity__title"]
    raw_id_fields = ["user", "opportunity", "recorded_by"]


@admin.register(PlaylistProgress)
class PlaylistProgressAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """Learners' progress through playlists (computed; read only)."""

    city_field = "playlist__city"
    list_display = ["user", "playlist", "mandatory_done", "mandatory_total", "optional_done", "optional_needed",
                    "completed_at"]
    list_filter = ["playlist"]
    readonly_fields = list_display + ["updated_at"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
