"""Celery tasks of onboarding: detection after data changes, the periodic check, and stage emails."""
import logging

from celery import shared_task

from ..tenancy.models import City

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=3, default_retry_delay=30, ignore_result=True)
def evaluate_city_onboarding(self, city_id: int) -> None:
    """Run the detectors of one city after its data changed."""
    from .detectors import evaluate_city  # pylint: disable=import-outside-toplevel

    city = City.objects.filter(pk=city_id).first()
    if city is None:
        return
    try:
        evaluate_city(city)
    except Exception as exc:  # pylint: disable=broad-except
        log.exception("Onboarding detection failed for city %s", city_id)
        raise self.retry(exc=exc, countdown=self.default_retry_delay * 2 ** self.request.retries) from exc


@shared_task(ignore_result=True)
def evaluate_all_cities() -> None:
    """The periodic job: recurring steps fall due, then every city's detectors run."""
    from .detectors import evaluate_all  # pylint: disable=import-outside-toplevel

    evaluate_all()


@shared_task(bind=True, max_retries=5, default_retry_delay=60, ignore_result=True)
def send_onboarding_email(self, kind: str, city_id: int, stage_id: int = 0, completed: int = 0) -> None:
    """Send one onboarding email (``stage_reached`` or ``join_request``); retried if the mail server fails."""
    from . import notifications  # pylint: disable=import-outside-toplevel

    try:
        notifications.send(kind, city_id, stage_id, completed)
    except OSError as exc:
        raise self.retry(exc=exc, countdown=self.default_retry_delay * 2 ** self.request.retries) from exc
