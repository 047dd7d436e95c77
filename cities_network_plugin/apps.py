"""
Django app configuration, and the edx-django-utils plugin declaration that lets Open edX find us.

Open edX reads ``plugin_app`` from this AppConfig (found through the ``lms.djangoapp`` and ``cms.djangoapp``
entry points) to mount our URLs and to apply our settings modules; nothing has to be added by hand to the
platform's settings or URL configuration.
"""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The project and settings types edx-platform passes to the plugin API (edx-platform's own
# ``ProjectType``/``SettingsType`` enums hold the same strings).
LMS = "lms.djangoapp"
CMS = "cms.djangoapp"
URL_PREFIX = r"^cities-network/"
NAMESPACE = "cities_network_plugin"


def _settings_config() -> dict:
    modules = {
        "common": {"relative_path": "settings.common"},
        "production": {"relative_path": "settings.production"},
        "test": {"relative_path": "settings.test"},
        "devstack": {"relative_path": "settings.common"},
    }
    return {LMS: dict(modules), CMS: dict(modules)}


class CitiesNetworkPluginConfig(AppConfig):
    """The Cities Network plugin."""

    name = "cities_network_plugin"
    label = "cities_network_plugin"
    verbose_name = _("Cities of Learning Network")
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app = {
        "url_config": {
            LMS: {"namespace": NAMESPACE, "regex": URL_PREFIX, "relative_path": "urls"},
            CMS: {"namespace": NAMESPACE, "regex": URL_PREFIX, "relative_path": "urls"},
        },
        "settings_config": _settings_config(),
    }

    def ready(self):
        from django.db.models.signals import post_migrate  # pylint: disable=import-outside-toplevel

        from . import signals, uuid_columns  # noqa: F401 pylint: disable=import-outside-toplevel,unused-import

        post_migrate.connect(uuid_columns.after_migrate, sender=self, dispatch_uid="cities_network_uuid_columns")
