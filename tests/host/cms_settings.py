"""Studio (CMS) test host: the plugin loaded through its ``cms.djangoapp`` entry point."""
from edx_django_utils.plugins import add_plugins, get_plugin_apps

from .base import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import

PROJECT_TYPE = "cms.djangoapp"
ROOT_URLCONF = "tests.host.urls_cms"

INSTALLED_APPS.extend(get_plugin_apps(PROJECT_TYPE))  # noqa: F405
add_plugins(__name__, PROJECT_TYPE, "common")
add_plugins(__name__, PROJECT_TYPE, "test")
