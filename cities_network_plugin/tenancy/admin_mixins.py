"""
The city scope for Django admin pages; every domain's ModelAdmin mixes this in.

Django's own model permissions are not consulted: who may see and change a city's records is decided by
``tenancy.permissions``, the same rules the REST API and the pages use. An object outside the caller's scope
answers 404 (Django's admin would otherwise redirect with a message naming the object's id).
"""
from django.contrib import admin
from django.http import Http404

from . import permissions
from .models import City


class ScopedCityFilter(admin.RelatedFieldListFilter):
    """A list filter on a city field that offers only the cities the user may see."""

    def field_choices(self, field, request, model_admin):
        return [(city.pk, str(city)) for city in permissions.cities_for(request.user).order_by("name")]


class CityScopedAdminMixin:
    """
    Scope a ModelAdmin by city.

    ``city_field`` is the lookup path from the model to its city (``"pk"`` for ``City`` itself).
    ``write_action`` is what changing a record needs; ``network_managers_write`` reserves writes to network
    managers (the record is still visible to the city's team). Records whose city is empty belong to the
    network and are written by network managers only.
    """

    city_field = "city"
    write_action = permissions.WORK
    network_managers_write = False

    def city_of(self, obj):
        """The city an object belongs to (None for network-level objects)."""
        if isinstance(obj, City):
            return obj
        value = obj
        for part in self.city_field.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def _may_write(self, request, obj=None) -> bool:
        user = request.user
        if permissions.is_network_manager(user):
            return True
        if self.network_managers_write:
            return False
        if obj is None:
            return bool(permissions.city_ids_for(user, self.write_action))
        return permissions.can(user, self.write_action, self.city_of(obj))

    def has_module_permission(self, request):
        return request.user.is_staff and permissions.has_any_city_role(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return permissions.can(request.user, permissions.VIEW, self.city_of(obj))

    def has_add_permission(self, request, *args):
        return request.user.is_staff and self._may_write(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_staff and self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_staff and self._may_write(request, obj)

    def get_list_filter(self, request):
        # Filters on a city foreign key would otherwise list every city of the network; filters on another
        # relation (a badge class, a playlist) every record of every city: those offer only what the rows the
        # user may see point to.
        scoped = []
        for entry in super().get_list_filter(request):
            target = self._relation_target(entry) if isinstance(entry, str) else None
            if target is City:
                entry = (entry, ScopedCityFilter)
            elif target is not None:
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            scoped.append(entry)
        return scoped

    def _relation_target(self, path: str):
        """The model a lookup path of relations ends at (``"badge_class__issuer_city"`` → City), or None."""
        model = self.model
        for part in path.split("__"):
            try:
                field = model._meta.get_field(part)
            except Exception:  # pylint: disable=broad-except
                return None
            if not field.is_relation:
                return None
            model = field.related_model
        return model

    def get_queryset(self, request):
        return permissions.scope(super().get_queryset(request), request.user, permissions.VIEW, self.city_field)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such record in the cities you manage.")
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        remote = db_field.remote_field.model
        if remote is City:
            kwargs["queryset"] = permissions.cities_for(request.user, self.write_action)
        elif "queryset" not in kwargs and city_path_of(remote):
            # A choice of another city-owned record (an organiser, a badge class): only the user's cities' ones.
            kwargs["queryset"] = permissions.scope(remote._default_manager.all(), request.user, permissions.VIEW,
                                                   city_path_of(remote))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def city_path_of(model) -> str:
    """The field of ``model`` naming its owning city (``city``, or a badge class's ``issuer_city``), or ""."""
    names = {field.name: field for field in model._meta.get_fields()}
    for name in ("city", "issuer_city"):
        field = names.get(name)
        if field is not None and field.is_relation and field.many_to_one and field.related_model is City:
            return name
    return ""


class NetworkManagersOnlyAdminMixin:
    """For network-wide records (the role table of network managers, catalogues): network managers only."""

    def has_module_permission(self, request):
        return request.user.is_staff and permissions.is_network_manager(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


__all__ = ["CityScopedAdminMixin", "NetworkManagersOnlyAdminMixin", "ScopedCityFilter"]
