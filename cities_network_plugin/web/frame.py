"""
The frame of the learner pages: the LMS's own page where the LMS has one, the plugin's own elsewhere.

Inside the LMS the wallet, city, opportunity, playlist, claim, course-badges, public award and join pages extend
the platform's ``main_django.html`` (``lms/templates/main_django.html`` in edx-platform, the base its own Django
template pages such as the wiki and password reset extend): the LMS header with its account menu and sign-out, its
footer, and the site's comprehensive theme, whose template loader finds a theme's ``main_django.html`` before the
platform's. Studio has no such template, nor do hosts without the platform (the demo shows a stand-in): there the
pages keep ``cities_network_plugin/base.html``, with the plugin's own bar.

Whether the LMS's template exists is looked up once per process, not per request (a missing template costs a walk
of every template directory). Only the *name* is kept, never a compiled template: the theme loader picks the
current site's version of ``main_django.html`` at each render.
"""
from __future__ import annotations

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import Engine, TemplateDoesNotExist

OWN_BASE = "cities_network_plugin/base.html"
LMS_FRAME = "cities_network_plugin/lms_frame.html"


@functools.cache
def lms_base_template() -> str | None:
    """
    The LMS template the learner pages extend (``CITIES_NETWORK_LMS_BASE_TEMPLATE``), or None where the template
    engine that renders the pages cannot find it (Studio, a host without the platform) or the setting is empty.
    """
    name = getattr(settings, "CITIES_NETWORK_LMS_BASE_TEMPLATE", "")
    if not name:
        return None
    try:
        # The first Django template engine is the one render() finds the plugin's pages with, so the one that
        # resolves their {% extends %} (the LMS also has a Mako engine, which would find main_django.html too).
        Engine.get_default().find_template(name)
    except TemplateDoesNotExist:
        return None
    return name


def frame_context() -> dict[str, str]:
    """What ``cities_network_plugin/page.html`` needs to extend the right base."""
    lms_base = lms_base_template()
    if lms_base is None:
        return {"cities_network_base": OWN_BASE}
    return {"cities_network_base": LMS_FRAME, "cities_network_lms_base": lms_base}


def render_page(request: HttpRequest, template_name: str, context: dict | None = None, *,
                status: int | None = None) -> HttpResponse:
    """``render()`` of a learner page (a template extending ``page.html``) in its frame."""
    return render(request, template_name, {**frame_context(), **(context or {})}, status=status)


@receiver(setting_changed)
def _forget_lms_base(setting: str, **kwargs) -> None:
    """Tests (and only tests) change the templates or the setting while the process runs."""
    if setting in {"TEMPLATES", "CITIES_NETWORK_LMS_BASE_TEMPLATE"}:
        lms_base_template.cache_clear()
