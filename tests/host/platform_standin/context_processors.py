"""
Stand-in of the LMS's ``configuration_context`` (edx-platform
``openedx/core/djangoapps/site_configuration/context_processors.py``): ``platform_name`` for the Django templates,
which the LMS header, footer and page titles use. The platform reads the site's configuration first; this host has
none, so the setting alone.
"""
from django.conf import settings


def configuration_context(request) -> dict:  # pylint: disable=unused-argument
    return {"platform_name": settings.PLATFORM_NAME}
