"""
The city scope for Django admin pages; every domain's ModelAdmin (and inline) mixes this in.

Django's own model permissions are not consulted: who may see and change a city's records is decided by
``tenancy.permissions``, the same rules the REST API and the pages use. An object outside the caller's scope
answers 404 (Django's admin would otherwise redirect with a message naming the object's id).

The admin's own widgets name other records too, so they follow the same scope (ADR 0017): the choices of a
foreign key and the label a raw-id widget prints next to an id (Django looks that label up in the whole table,
``ForeignKeyRawIdWidget.label_and_url_for_value``), the list of what a deletion takes with it, and the city a
saved record ends up in: a city team writes only its own cities' records, and an empty city field never means
"the network" for it. Every number an admin form or address reads is bounded by its column (``columns``, ADR 0019).
"""
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, quote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, router
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .. import columns
from . import permissions
from .models import City


class ScopedCityFilter(admin.RelatedFieldListFilter):
    """A list filter on a city field that offers only the cities the user may see."""

    def field_choices(self, field, request, model_admin):
        return [(city.pk, str(city)) for city in permissions.cities_for(request.user).order_by("name")]


class BoundedNumbersMixin:
    """
    Every number the admin reads goes no further than its column can hold (``columns``): an integer field is bounded
    by its column's portable range, a foreign key or many-to-many choice and a raw-id widget's value by its key's
    (``IdChoiceField``), and a record's id in the admin's address names no record when no column holds it. On SQLite
    the driver overflowed (a 500) and 2**31 was stored where MariaDB refuses it. Mixed into the admin mixins below,
    so it is the one hook every ModelAdmin and inline of the plugin goes through.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.ForeignKey):
            kwargs.setdefault("form_class", columns.IdChoiceField)
        elif isinstance(db_field, models.ManyToManyField):
            kwargs.setdefault("form_class", columns.IdMultipleChoiceField)
        elif isinstance(db_field, models.IntegerField) and not db_field.choices:
            kwargs = columns.bounded(db_field, kwargs)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is ForeignKeyRawIdWidget:
            widget = formfield.widget
            formfield.widget = BoundedRawIdWidget(widget.rel, widget.admin_site, attrs=widget.attrs, using=widget.db)
        return formfield

    def get_object(self, request, object_id, from_field=None):
        opts = self.model._meta
        if not columns.holds(opts.pk if from_field is None else opts.get_field(from_field), object_id):
            return None  # as Django answers an id of no record
        return super().get_object(request, object_id, from_field)


class CityScopedAdminMixin(BoundedNumbersMixin):
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
        return scoped_foreignkey(self, super(), db_field, request, self.write_action, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (ScopedFormMixin, form), {"scope_admin": self, "scope_request": request})

    def get_deleted_objects(self, objs, request):
        """What a deletion takes with it, each record named only where the user may see it."""
        if permissions.is_network_manager(request.user):
            return super().get_deleted_objects(objs, request)
        return scoped_deleted_objects(self.admin_site, objs, request)


class CityScopedInlineMixin(BoundedNumbersMixin):
    """
    The scope of ``CityScopedAdminMixin`` for an inline: its rows are part of the record they are shown on, so whoever
    may see or change that record may see or change them (not Django's model permissions, which city teams do not
    hold), and its foreign keys offer and name only what the user may see.
    """

    write_action = permissions.WORK

    def _parent_admin(self):
        return self.admin_site._registry.get(self.parent_model)

    def has_view_permission(self, request, obj=None):
        parent = self._parent_admin()
        return parent is not None and parent.has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        parent = self._parent_admin()
        return parent is not None and parent.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return scoped_foreignkey(self, super(), db_field, request, self.write_action, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (ScopedFormMixin, formset.form),
                            {"scope_admin": None, "scope_request": request})
        return formset


class BoundedRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id widget that prints no label for an id no column holds (``?user=2**63``: SQLite's driver overflowed)."""

    def in_column(self, value) -> bool:
        return columns.holds(self.rel.get_related_field(), value)

    def label_and_url_for_value(self, value):
        if not self.in_column(value):
            return "", ""
        return super().label_and_url_for_value(value)


class ScopedRawIdWidget(BoundedRawIdWidget):
    """
    A raw-id widget that prints the label of an id only for a record the user may see (``label_queryset``), or
    for the value the record being edited already holds (a record in scope shows what it points to). Any other
    id, typed or given as ``?field=<id>``, gets no label: it would name a row of any city by its sequential id.
    """

    def __init__(self, rel, admin_site, label_queryset=None, attrs=None, using=None):
        super().__init__(rel, admin_site, attrs=attrs, using=using)
        self.label_queryset = label_queryset
        self.current = None

    def label_and_url_for_value(self, value):
        if not self.may_label(value):
            return "", ""
        return super().label_and_url_for_value(value)

    def may_label(self, value) -> bool:
        if not self.in_column(value):
            return False
        if self.current is not None and str(value) == str(self.current):
            return True
        if self.label_queryset is None:
            return False
        try:
            return self.label_queryset.filter(**{self.rel.get_related_field().name: value}).exists()
        except (TypeError, ValueError, ValidationError):
            return False


class ScopedFormMixin:
    """
    Mixed into the admin's forms by ``CityScopedAdminMixin.get_form``: raw-id widgets learn the values the edited
    record holds, and a record the user may not write, once the form's values are in it (an empty city, the
    network's; another city's), is refused on the form, before anything is saved.
    """

    scope_admin = None
    scope_request = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            if isinstance(field.widget, ScopedRawIdWidget):
                try:
                    model_field = self.instance._meta.get_field(name)
                except FieldDoesNotExist:  # a form field of its own, not the model's
                    continue
                field.widget.current = getattr(self.instance, model_field.attname, None)

    def _post_clean(self):
        super()._post_clean()
        model_admin, request = self.scope_admin, self.scope_request
        if model_admin is None or self._errors or permissions.is_network_manager(request.user):
            return
        if not permissions.can(request.user, model_admin.write_action, model_admin.city_of(self.instance)):
            name = model_admin.city_field.split("__")[0]
            self.add_error(name if name in self.fields else None,
                           _("Choose one of your own cities: a city team writes only its own city's records, "
                             "never the network's or another city's."))


def scoped_choices(admin_site, request, remote, write_action):
    """
    The records of ``remote`` a foreign key in the admin may offer to ``request.user`` (None: not city-scoped, such
    as accounts): cities they may write, what the remote model's own scoped admin shows them, or the records of
    their cities.
    """
    if remote is City:
        return permissions.cities_for(request.user, write_action)
    remote_admin = admin_site._registry.get(remote)
    if isinstance(remote_admin, CityScopedAdminMixin):
        return remote_admin.get_queryset(request)
    path = city_path_of(remote)
    if path:
        return permissions.scope(remote._default_manager.all(), request.user, permissions.VIEW, path)
    return None


def scoped_foreignkey(model_admin, parent, db_field, request, write_action, **kwargs):
    """``formfield_for_foreignkey`` in the city scope, for a ModelAdmin or an inline (``parent``: its super())."""
    network_manager = permissions.is_network_manager(request.user)
    remote = db_field.remote_field.model
    choices = None
    if "queryset" not in kwargs:
        choices = scoped_choices(model_admin.admin_site, request, remote, write_action)
        if choices is not None:
            kwargs["queryset"] = choices
    if remote is City and not network_manager:
        # An empty city is the network's: never offered to a city team, whatever the field allows.
        kwargs["required"] = True
        kwargs["empty_label"] = None
    formfield = parent.formfield_for_foreignkey(db_field, request, **kwargs)
    if formfield is not None and not network_manager and type(formfield.widget) is ForeignKeyRawIdWidget:
        formfield.widget = ScopedRawIdWidget(formfield.widget.rel, formfield.widget.admin_site,
                                             label_queryset=choices if choices is not None else kwargs.get("queryset"),
                                             attrs=formfield.widget.attrs, using=formfield.widget.db)
    return formfield


def scoped_deleted_objects(admin_site, objs, request):
    """
    ``django.contrib.admin.utils.get_deleted_objects`` (same collector, same answer) where a related record the
    user may not see is named by its kind alone: deleting an opportunity shown in another city's playlist would
    otherwise print that playlist's title.
    """
    try:
        first = objs[0]
    except IndexError:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
    collector.collect(objs)
    perms_needed = set()

    def format_callback(obj):
        opts = obj._meta
        model_admin = admin_site._registry.get(type(obj))
        if model_admin is not None and not model_admin.has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        if not _may_see(admin_site, request, obj):
            return f"{capfirst(opts.verbose_name)}: {_('a record outside your cities')}"
        if model_admin is not None:
            try:
                url = reverse(f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", None, (quote(obj.pk),))
            except NoReverseMatch:
                url = ""
            if url:
                return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)
        return f"{capfirst(opts.verbose_name)}: {obj}"

    to_delete = collector.nested(format_callback)
    protected = [format_callback(obj) for obj in collector.protected]
    model_count = {model._meta.verbose_name_plural: len(found) for model, found in collector.model_objs.items()}
    return to_delete, model_count, perms_needed, protected


def _may_see(admin_site, request, obj, depth: int = 3) -> bool:
    """Whether the user may see ``obj``: by its admin, by its city, or by the record it belongs to."""
    model_admin = admin_site._registry.get(type(obj))
    if model_admin is not None:
        return model_admin.has_view_permission(request, obj)
    path = city_path_of(type(obj))
    if path:
        return permissions.can(request.user, permissions.VIEW, getattr(obj, f"{path}_id"))
    if depth:
        for field in obj._meta.concrete_fields:
            if field.many_to_one and (city_path_of(field.related_model) or field.related_model in admin_site._registry):
                parent = getattr(obj, field.name, None)
                if parent is not None:
                    return _may_see(admin_site, request, parent, depth - 1)
    return False


def city_path_of(model) -> str:
    """The field of ``model`` naming its owning city (``city``, or a badge class's ``issuer_city``), or ""."""
    names = {field.name: field for field in model._meta.get_fields()}
    for name in ("city", "issuer_city"):
        field = names.get(name)
        if field is not None and field.is_relation and field.many_to_one and field.related_model is City:
            return name
    return ""


class NetworkManagersOnlyAdminMixin(BoundedNumbersMixin):
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


__all__ = ["BoundedNumbersMixin", "CityScopedAdminMixin", "CityScopedInlineMixin", "NetworkManagersOnlyAdminMixin",
           "ScopedCityFilter"]
