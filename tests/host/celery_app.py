"""The host's Celery app, configured from Django settings (``CELERY_*``), as Open edX configures its own."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.host.lms_settings")

app = Celery("cities_network_host")
app.config_from_object("django.conf:settings", namespace="CELERY")
# As in Open edX: each installed app's ``tasks`` module (the plugin's imports every domain's tasks).
app.autodiscover_tasks()


def configure(celery_app, **conf) -> None:
    """
    Change a Celery app's configuration while it runs: ``configure(app, task_always_eager=False)``.

    An app configured from Django settings with a namespace, as this one (and Open edX's) is, reads the namespaced
    key (``CELERY_TASK_ALWAYS_EAGER``) before the plain one on celery 5.6, the release Open edX pins; 5.7 reads the
    plain key first. Setting ``conf.task_always_eager`` therefore changed nothing on 5.6, so the namespaced key is
    the one set, which every release reads.
    """
    namespace = getattr(celery_app, "namespace", None)
    celery_app.conf.update({f"{namespace}_{key.upper()}" if namespace else key: value for key, value in conf.items()})
