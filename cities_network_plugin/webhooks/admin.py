"""
Django admin for a city's webhooks and their delivery log.

Webhooks are the city's settings, so everything here needs the ADMINISTER permission (city admins and network
managers); core-team members do not see the endpoints. The secret is shown once, in the message after adding a
webhook (Django's message storage holds it until that page is shown), and never on a page after that.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..tenancy import permissions
from ..tenancy.admin_mixins import CityScopedAdminMixin
from . import api
from .models import CityWebhook, WebhookDelivery, WebhookEvent


class AdministerScopeMixin(CityScopedAdminMixin):
    """The city scope, narrowed to the cities the user administers (for reading too)."""

    write_action = permissions.ADMINISTER

    def has_module_permission(self, request):
        user = request.user
        return user.is_staff and (permissions.is_network_manager(user)
                                  or bool(permissions.city_ids_for(user, permissions.ADMINISTER)))

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return request.user.is_staff and permissions.can(request.user, permissions.ADMINISTER, self.city_of(obj))

    def get_queryset(self, request):
        # Administering a city implies seeing it, so narrowing the VIEW scope is enough.
        return permissions.scope(super().get_queryset(request), request.user, permissions.ADMINISTER, self.city_field)


class CityWebhookForm(forms.ModelForm):
    """Checks the address and the events with the same rules as the API."""

    events = forms.MultipleChoiceField(choices=WebhookEvent.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       label=gettext_lazy("Events"),
                                       help_text=gettext_lazy("None ticked: every notice."))

    class Meta:
        model = CityWebhook
        fields = ["city", "url", "description", "events", "active"]

    def clean_url(self):
        try:
            return api.clean_url(self.cleaned_data.get("url", ""))
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def clean_events(self):
        try:
            return api.clean_events(self.cleaned_data.get("events") or [])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc


@admin.register(CityWebhook)
class CityWebhookAdmin(AdministerScopeMixin, admin.ModelAdmin):
    """A city's endpoints; the plugin switches one off after repeated failures and says why here."""

    form = CityWebhookForm
    list_display = ["url", "city", "description", "event_list", "active", "consecutive_failures", "created"]
    list_filter = ["active", "city"]
    list_select_related = ["city"]
    search_fields = ["url", "description", "city__name"]
    readonly_fields = ["consecutive_failures", "deactivated_reason", "created", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        # The city of an existing endpoint does not change (its delivery log belongs to that city).
        return [*self.readonly_fields, "city"] if obj is not None else self.readonly_fields

    @admin.display(description=gettext_lazy("events"))
    def event_list(self, obj):
        return ", ".join(obj.events) or "all"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.secret = api.new_secret()
            obj.created_by = request.user
            obj.save()
            # The Standard Webhooks form: its base64 is the text the deprecated X-Cities-Network-Signature uses.
            self.message_user(request, _("Copy the signing secret of this webhook now; it is not shown again: "
                                         "%(secret)s") % {"secret": api.signing_secret(obj)}, messages.WARNING)
            return
        if "active" in form.changed_data and obj.active:
            # Switching on again gives the endpoint a fresh run of chances (as ``api.update`` does).
            obj.consecutive_failures = 0
            obj.deactivated_reason = ""
        obj.save()


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AdministerScopeMixin, admin.ModelAdmin):
    """The delivery log (read-only); a notice can be sent again."""

    city_field = "webhook__city"
    list_display = ["created", "event_type", "webhook", "state", "attempts", "last_status_code", "last_error",
                    "delivered_at", "next_retry_at"]
    list_filter = ["state", "event_type", "webhook__city"]
    list_select_related = ["webhook__city"]
    search_fields = ["event_id", "webhook__url"]
    readonly_fields = ["webhook", "event_type", "event_id", "payload", "state", "attempts", "last_status_code",
                       "last_error", "response_excerpt", "created", "delivered_at", "next_retry_at"]
    fields = readonly_fields
    actions = ["redeliver"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_redeliver_permission(self, request):
        return self.has_module_permission(request)

    @admin.action(description=gettext_lazy("Send the selected notices again"), permissions=["redeliver"])
    def redeliver(self, request, queryset):
        sent, refused = 0, []
        for delivery in queryset.select_related("webhook__city"):
            if not permissions.can(request.user, permissions.ADMINISTER, delivery.webhook.city):
                continue  # the changelist is scoped already; this guards a forged selection
            try:
                api.redeliver(delivery)
                sent += 1
            except ValidationError as exc:
                refused.append(f"{delivery.event_id}: {' '.join(exc.messages)}")
        if sent:
            # The English text is the same for one notice; the Lithuanian one is not.
            self.message_user(request, ngettext("%(count)d notice(s) queued to be sent again.",
                                                "%(count)d notice(s) queued to be sent again.", sent)
                              % {"count": sent}, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)
