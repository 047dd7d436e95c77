"""The host's Celery app, configured from Django settings (``CELERY_*``), as Open edX configures its own."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.host.lms_settings")

app = Celery("cities_network_host")
app.config_from_object("django.conf:settings", namespace="CELERY")
# As in Open edX: each installed app's ``tasks`` module (the plugin's imports every domain's tasks).
app.autodiscover_tasks()
