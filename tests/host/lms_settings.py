"""
LMS test host: loads the plugin exactly as edx-platform's ``lms/envs`` do, through the plugin API.

Nothing here names the plugin: it is found through its ``lms.djangoapp`` entry point, which is what this
host proves.
"""
import copy
from pathlib import Path

from edx_django_utils.plugins import add_plugins, get_plugin_apps

from .base import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import

PROJECT_TYPE = "lms.djangoapp"
ROOT_URLCONF = "tests.host.urls_lms"

# The LMS's own frame: a stand-in of its main_django.html (header, account menu, footer) that Django pages extend,
# found before everything else as the platform's lms/templates are, and the context its templates read: the i18n
# processor (LANGUAGE_CODE) and configuration_context (platform_name), both in the LMS's CONTEXT_PROCESSORS
# (lms/envs/common.py). Studio (cms_settings) has no main_django.html.
PLATFORM_NAME = "Open edX test LMS"
TEMPLATES = copy.deepcopy(TEMPLATES)  # noqa: F405
TEMPLATES[0]["DIRS"].insert(0, str(Path(__file__).resolve().parent / "lms_templates"))
TEMPLATES[0]["OPTIONS"]["context_processors"] += [
    "django.template.context_processors.i18n",
    "tests.host.platform_standin.context_processors.configuration_context",
]

INSTALLED_APPS.extend(get_plugin_apps(PROJECT_TYPE))  # noqa: F405
add_plugins(__name__, PROJECT_TYPE, "common")
add_plugins(__name__, PROJECT_TYPE, "test")
