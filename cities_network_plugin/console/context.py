"""
What every console page shares: the city scope check, the city switcher and the page frame.

One decorator (``city_view``) answers "may this person open this page, or make this change, for this city?"
so that no view can forget it: a city the person cannot see is a 404 (the page does not say the city exists),
a change they may not make is a 403. Pages run in the city's time zone, so the times a team types into a form
and reads back are the city's local times, where its events happen.
"""
from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from ..tenancy import permissions
from ..tenancy.models import City

TEMPLATES = "cities_network_plugin/console/"

# (url name, label, permission needed to see the link)
NAVIGATION = (
    ("console-dashboard", _("Dashboard"), permissions.VIEW),
    ("console-opportunities", _("Opportunities"), permissions.VIEW),
    ("console-playlists", _("Playlists"), permissions.VIEW),
    ("console-badges", _("Badges"), permissions.VIEW),
    ("console-courses", _("Courses"), permissions.VIEW),
    ("console-team", _("Team"), permissions.VIEW),
    ("console-stakeholders", _("Stakeholders"), permissions.VIEW),
)


def scoped_city(user, slug: str, action: str = permissions.VIEW) -> City:
    """The city, if ``user`` may see it (else 404) and perform ``action`` on it (else 403)."""
    city = City.objects.filter(slug=slug).first()
    if city is None or not permissions.can(user, permissions.VIEW, city):
        raise Http404("No such city.")
    if action != permissions.VIEW and not permissions.can(user, action, city):
        raise PermissionDenied("You may not make this change for this city.")
    return city


def console_view(methods=("GET", "HEAD", "POST")):
    """Signed in, CSRF-checked, and only the listed methods: the frame of every console view."""
    def decorate(func):
        return login_required(csrf_protect(require_http_methods(list(methods))(func)))
    return decorate


def city_view(read: str = permissions.VIEW, write: str = permissions.WORK, methods=("GET", "HEAD", "POST")):
    """
    A page of one city: the view receives the city instead of its slug. GET needs ``read``, POST ``write``;
    the page runs in the city's time zone.
    """
    def decorate(func):
        @console_view(methods)
        @wraps(func)
        def wrapper(request, slug, *args, **kwargs):
            action = write if request.method == "POST" else read
            city = scoped_city(request.user, slug, action)
            with timezone.override(city.timezone):
                return func(request, city, *args, **kwargs)
        return wrapper
    return decorate


def switchable_cities(user):
    """The cities the switcher offers: every city for network managers, the person's own cities otherwise."""
    return permissions.cities_for(user, permissions.VIEW).order_by("name")


def frame(request, city: City | None = None) -> dict:
    """The context of the page frame: network name, city switcher, navigation and what the person may do."""
    user = request.user
    cities = list(switchable_cities(user))
    context = {
        "network_name": settings.CITIES_NETWORK_NAME,
        "switch_cities": cities if len(cities) > 1 else [],
        "is_network_manager": permissions.is_network_manager(user),
        "city": city,
    }
    if city is not None:
        context.update({
            "can_work": permissions.can(user, permissions.WORK, city),
            "can_administer": permissions.can(user, permissions.ADMINISTER, city),
            "navigation": [(name, label) for name, label, action in NAVIGATION
                           if permissions.can(user, action, city)],
            "active_nav": getattr(request, "console_nav", ""),
        })
    return context


def render_page(request, template: str, city: City | None = None, context: dict | None = None, status: int = 200,
                nav: str = ""):
    """Render a console template inside the frame; ``nav`` marks the current navigation item."""
    request.console_nav = nav
    return render(request, TEMPLATES + template, {**frame(request, city), **(context or {})}, status=status)


def apply_errors(form, exc: ValidationError, field_map: dict | None = None) -> None:
    """
    Put a domain ValidationError on the form: each message next to the field it names (``field_map`` renames
    domain fields to form fields), anything else at the top of the form.
    """
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            target = field_map.get(name, name)
            form.add_error(target if target in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)
