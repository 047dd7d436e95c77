"""
LMS test host: loads the plugin exactly as edx-platform's ``lms/envs`` do, through the plugin API.

Nothing here names the plugin: it is found through its ``lms.djangoapp`` entry point, which is what this
host proves.
"""
from edx_django_utils.plugins import add_plugins, get_plugin_apps

from .base import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import

PROJECT_TYPE = "lms.djangoapp"
ROOT_URLCONF = "tests.host.urls_lms"

INSTALLED_APPS.extend(get_plugin_apps(PROJECT_TYPE))  # noqa: F405
add_plugins(__name__, PROJECT_TYPE, "common")
add_plugins(__name__, PROJECT_TYPE, "test")
