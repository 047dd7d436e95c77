"""
Settings of the real Celery workers the real-parts tests start: the LMS test host, plus the Open edX event bus on
Redis Streams, configured the way an operator configures it (see docs/event-bus.md).

The database, the broker and eager mode come from the environment the fixture passes (``CITIES_NETWORK_TEST_DB``,
``CITIES_NETWORK_MYSQL_DB``, ``CITIES_NETWORK_CELERY_BROKER``, ``CITIES_NETWORK_CELERY_EAGER``), read by the host.
"""
import os

from tests.host.lms_settings import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import

assert "openedx_events" in INSTALLED_APPS  # noqa: F405 - its ready() connects the producer below

EVENT_BUS_PRODUCER = "edx_event_bus_redis.create_producer"
EVENT_BUS_REDIS_CONNECTION_URL = os.environ.get("CITIES_NETWORK_EVENT_BUS_REDIS_URL", "redis://127.0.0.1:6379/5")
EVENT_BUS_TOPIC_PREFIX = os.environ.get("CITIES_NETWORK_EVENT_BUS_TOPIC_PREFIX", "cities-realparts")
BADGE_TOPIC = "learning-badges-lifecycle"
EVENT_BUS_PRODUCER_CONFIG = {
    "org.openedx.learning.badge.awarded.v1": {BADGE_TOPIC: {"event_key_field": "badge.uuid", "enabled": True}},
    "org.openedx.learning.badge.revoked.v1": {BADGE_TOPIC: {"event_key_field": "badge.uuid", "enabled": True}},
}
