"""Celery tasks of opportunities: follow the platform's courses and Studio's city tags."""
import logging

from celery import shared_task
from django.utils.dateparse import parse_datetime

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=3, default_retry_delay=30, ignore_result=True)
def sync_course_opportunity(self, course_key: str, title: str = "", start: str = "", end: str = "",
                            hidden: bool = False, from_catalog: bool = False) -> None:
    """
    Create or update a course's opportunity. ``from_catalog`` means the event carried the title and dates;
    otherwise they are read from the platform.
    """
    from . import api  # pylint: disable=import-outside-toplevel

    try:
        if from_catalog:
            api.sync_course(course_key, title=title, start=parse_datetime(start) if start else None,
                            end=parse_datetime(end) if end else None, hidden=hidden)
        else:
            api.sync_course(course_key)
    except Exception as exc:  # pylint: disable=broad-except
        log.exception("Could not sync the opportunity of course %s", course_key)
        raise self.retry(exc=exc, countdown=self.default_retry_delay * 2 ** self.request.retries) from exc


@shared_task(ignore_result=True)
def sync_city_tag(city_id: int) -> None:
    """Keep the city's tag in the Cities taxonomy named after it."""
    from ..tenancy.models import City  # pylint: disable=import-outside-toplevel
    from . import tagging  # pylint: disable=import-outside-toplevel

    city = City.objects.filter(pk=city_id).first()
    if city is not None and tagging.get_taxonomy() is not None:
        tagging.sync_city_tag(city)
