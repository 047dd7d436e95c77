"""
Deliveries no worker took up (the broker was down when they were queued, or lost the retry) are queued again by the
sweeper, and reach the real endpoint; deliveries still in their normal course are left alone.
"""
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from cities_network_plugin.badges.tasks import sweep_inbox
from cities_network_plugin.webhooks import api
from cities_network_plugin.webhooks.models import DeliveryState, WebhookDelivery

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def stranded(city_a, receiver, django_capture_on_commit_callbacks):
    """Four deliveries to a real endpoint whose tasks never ran, aged and staged as the sweeper may find them."""
    api.register(city_a, receiver.url)
    with django_capture_on_commit_callbacks(execute=False):  # recorded; the queueing after commit never happens
        rows = [api.notify(city_a, "badge.awarded", {"n": n})[0] for n in range(4)]
    never_queued, fresh, retry_overdue, retry_later = rows
    now = timezone.now()
    WebhookDelivery.objects.filter(pk__in=[never_queued.pk, retry_overdue.pk, retry_later.pk]).update(
        created=now - 2 * HOUR)
    WebhookDelivery.objects.filter(pk=retry_overdue.pk).update(attempts=1, next_retry_at=now - HOUR)
    WebhookDelivery.objects.filter(pk=retry_later.pk).update(attempts=1, next_retry_at=now + HOUR)
    return {"never_queued": never_queued, "fresh": fresh, "retry_overdue": retry_overdue, "retry_later": retry_later}


def states(rows) -> dict:
    return {name: WebhookDelivery.objects.get(pk=row.pk).state for name, row in rows.items()}


@pytest.mark.django_db
def test_stale_deliveries_are_the_ones_no_worker_took_up(stranded):
    stale = set(api.stale_deliveries(datetime.timedelta(minutes=10)).values_list("pk", flat=True))
    assert stale == {stranded["never_queued"].pk, stranded["retry_overdue"].pk}


@pytest.mark.django_db
def test_the_sweeper_queues_them_again_and_they_arrive(stranded, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sweep_inbox()  # the periodic task (the host runs the queued deliveries at once)
    assert states(stranded) == {"never_queued": DeliveryState.DELIVERED, "fresh": DeliveryState.PENDING,
                                "retry_overdue": DeliveryState.DELIVERED, "retry_later": DeliveryState.PENDING}
    assert sorted(json.loads(request["body"])["data"]["n"] for request in receiver.requests) == [0, 2]
    assert api.stale_deliveries(datetime.timedelta(minutes=10)).count() == 0


@pytest.mark.django_db
def test_the_sweep_command_says_how_many_it_queued_again(stranded):
    out = io.StringIO()
    call_command("cities_network_sweep", stdout=out)
    assert "Webhook deliveries no worker took up, queued again: 2." in out.getvalue()
