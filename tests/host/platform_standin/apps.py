"""App config of the platform stand-in."""
from django.apps import AppConfig


class PlatformStandinConfig(AppConfig):
    """Stand-in for edx-platform's course, enrollment, grade and certificate data."""

    name = "tests.host.platform_standin"
    label = "platform_standin"
    default_auto_field = "django.db.models.BigAutoField"
