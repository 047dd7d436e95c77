"""
``BADGE_AWARDED`` and ``BADGE_REVOKED`` on the Open edX event bus (edx-event-bus-redis, Redis Streams): the real
workers award and revoke, their openedx-events producer (``EVENT_BUS_PRODUCER_CONFIG`` in worker_settings.py, as
docs/event-bus.md tells operators) writes to the stream, and the library's own consumer reads it back here.
"""
import time
import uuid

import attr
import pytest
from django.db import transaction
from django.test import override_settings
from edx_event_bus_redis import RedisEventConsumer
from edx_event_bus_redis.internal import consumer as consumer_module
from openedx_events.learning.signals import BADGE_AWARDED, BADGE_REVOKED

from cities_network_plugin.badges.announcements import badge_data
from cities_network_plugin.badges.models import Award

from tests.badges.conftest import COURSE, at, send_passing
from tests.realparts.conftest import REDIS_URL, WAIT_SECONDS
from tests.realparts.worker_settings import BADGE_TOPIC, EVENT_BUS_PRODUCER_CONFIG

pytestmark = pytest.mark.django_db(transaction=True)


class BoundedConsumer(RedisEventConsumer):
    """The library's consumer, whose loop never ends by itself, stopped at a deadline (or by a receiver)."""

    def __init__(self, *args, deadline: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def _add_message_monitoring(self, run_context, message, error=None):  # called once per turn of the loop
        super()._add_message_monitoring(run_context, message, error)
        if time.monotonic() > self.deadline:
            self._shut_down()


def comparable(data) -> dict:
    """BadgeData as a dict; Avro carries an empty optional string (a class without image, say) as null."""
    def clean(value):
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        return value if value != "" else None
    return clean(attr.asdict(data))


def test_badge_events_are_produced_to_redis_streams_and_consumed_back(
        workers, make_class, learner, topic_prefix, monkeypatch):
    assert set(EVENT_BUS_PRODUCER_CONFIG) == {BADGE_AWARDED.event_type, BADGE_REVOKED.event_type}
    monkeypatch.setattr(consumer_module, "CONSUMER_POLL_TIMEOUT", 1)  # seconds per blocking read, not 60
    bus = override_settings(EVENT_BUS_REDIS_CONNECTION_URL=REDIS_URL, EVENT_BUS_TOPIC_PREFIX=topic_prefix)
    with bus:
        # A consumer group made now reads what is produced from now on (the library's default, "$").
        consumer = BoundedConsumer(BADGE_TOPIC, f"cities-network-test-{uuid.uuid4().hex[:8]}", "test-consumer",
                                   deadline=time.monotonic() + WAIT_SECONDS)
    assert consumer.full_topic == f"{topic_prefix}-{BADGE_TOPIC}"

    badge = make_class([{"requirements": [{"kind": "course_passed", "target": COURSE}]}],
                       revoke_when_passing_lost=True)
    with transaction.atomic():
        send_passing(learner, time=at(1))
    workers.wait_for(lambda: Award.objects.filter(user=learner, badge_class=badge).exists(), "the award")
    with transaction.atomic():
        send_passing(learner, is_passing=False, time=at(2))
    workers.wait_for(lambda: Award.objects.filter(user=learner, revoked=True).exists(), "the revocation")
    workers.drain()

    received = []

    def on_badge_event(signal, badge, metadata, **kwargs):  # pylint: disable=unused-argument
        received.append((signal.event_type, badge, metadata, kwargs.get("from_event_bus")))
        if len(received) == 2:
            consumer._shut_down()  # pylint: disable=protected-access

    BADGE_AWARDED.connect(on_badge_event, weak=False, dispatch_uid="realparts-bus")
    BADGE_REVOKED.connect(on_badge_event, weak=False, dispatch_uid="realparts-bus")
    try:
        with bus:
            consumer.consume_indefinitely()
    finally:
        BADGE_AWARDED.disconnect(dispatch_uid="realparts-bus")
        BADGE_REVOKED.disconnect(dispatch_uid="realparts-bus")

    assert [event_type for event_type, *_ in received] == [BADGE_AWARDED.event_type, BADGE_REVOKED.event_type], (
        f"consumed {received!r} from {consumer.full_topic}{workers.tail()}")
    award = Award.objects.select_related("user", "badge_class").get()
    expected = comparable(badge_data(award))
    for event_type, data, metadata, from_bus in received:
        assert comparable(data) == expected
        assert (data.uuid, data.user.id, data.template.uuid, data.template.name) == (
            str(award.uuid), learner.pk, str(badge.uuid), badge.name)
        assert data.template.origin == "cities_network"
        assert (metadata.event_type, from_bus) == (event_type, True)
    assert received[0][2].id != received[1][2].id
    assert received[0][2].time <= received[1][2].time
