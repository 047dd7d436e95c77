"""Pruning: old applied events and finished webhook deliveries go; everything still needed stays."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from cities_network_plugin import pruning
from cities_network_plugin.badges import tasks as badge_tasks
from cities_network_plugin.badges.models import Award, EventState, LearnerEvent
from cities_network_plugin.webhooks import api as webhooks_api
from cities_network_plugin.webhooks.models import CityWebhook, DeliveryState, WebhookDelivery

NOW = timezone.now()


def _event(n: int, state: str, days_ago: int) -> LearnerEvent:
    row = LearnerEvent.objects.create(event_id=f"ev-{n}", event_type="t", target="x", payload={},
                                      occurred_at=NOW, state=state)
    # received_at is set on insert (auto_now_add): age it afterwards; a finished row was applied then too.
    when = NOW - datetime.timedelta(days=days_ago)
    LearnerEvent.objects.filter(pk=row.pk).update(
        received_at=when, processed_at=when if state in (EventState.PROCESSED, EventState.IGNORED) else None)
    return row


def _delivery(webhook, state: str, days_ago: int) -> WebhookDelivery:
    row = WebhookDelivery.objects.create(webhook=webhook, event_type="badge.awarded",
                                         payload={"username": "ana"}, state=state)
    WebhookDelivery.objects.filter(pk=row.pk).update(created=NOW - datetime.timedelta(days=days_ago))
    return row


@pytest.fixture
def aged(city_a):
    webhook = CityWebhook.objects.create(city=city_a, url="https://hooks.example.org/in",
                                         secret=webhooks_api.new_secret())
    kept = {
        "recent processed": _event(1, EventState.PROCESSED, 10),
        "old waiting": _event(2, EventState.PENDING, 200),
        "old failed": _event(3, EventState.FAILED, 200),
        "recent delivery": _delivery(webhook, DeliveryState.DELIVERED, 10),
        "old pending delivery": _delivery(webhook, DeliveryState.PENDING, 200),
    }
    gone = {
        "old processed": _event(4, EventState.PROCESSED, 91),
        "old ignored": _event(5, EventState.IGNORED, 400),
        "old delivered": _delivery(webhook, DeliveryState.DELIVERED, 120),
        "old given up": _delivery(webhook, DeliveryState.FAILED, 95),
    }
    return kept, gone


def _exists(row) -> bool:
    return type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_prune_deletes_only_finished_rows_past_their_retention(aged):
    kept, gone = aged
    assert pruning.prune(dry_run=True) == pruning.PruneResult(events=2, deliveries=2)
    assert all(_exists(row) for row in gone.values())  # a dry run deletes nothing
    assert pruning.prune() == pruning.PruneResult(events=2, deliveries=2)
    assert [name for name, row in kept.items() if not _exists(row)] == []
    assert [name for name, row in gone.items() if _exists(row)] == []
    assert pruning.prune() == pruning.PruneResult()


@pytest.mark.django_db
def test_retention_zero_keeps_everything(aged, settings):
    settings.CITIES_NETWORK_INBOX_RETENTION_DAYS = 0
    settings.CITIES_NETWORK_WEBHOOK_LOG_RETENTION_DAYS = 0
    assert pruning.prune() == pruning.PruneResult()
    assert LearnerEvent.objects.count() == 5 and WebhookDelivery.objects.count() == 4


@pytest.mark.django_db
def test_the_command_says_what_it_would_do_then_does_it_in_chunks(aged, monkeypatch):
    monkeypatch.setattr(pruning, "CHUNK", 1)
    out = io.StringIO()
    call_command("cities_network_prune", "--dry-run", stdout=out)
    assert "Keeping learning events for 90 days and webhook deliveries for 90 days" in out.getvalue()
    assert "Would delete 2 learning events and 2 webhook deliveries. Nothing was deleted." in out.getvalue()
    out = io.StringIO()
    call_command("cities_network_prune", stdout=out)
    lines = out.getvalue().splitlines()
    assert "  1 learning events deleted" in lines and "  2 learning events deleted" in lines
    assert "  2 webhook deliveries deleted" in lines
    assert lines[-1] == "Deleted 2 learning events and 2 webhook deliveries."


@pytest.mark.django_db
def test_the_periodic_task_prunes_a_bounded_number_per_run(aged, monkeypatch):
    monkeypatch.setattr(badge_tasks, "PRUNE_PER_RUN", 1)
    badge_tasks.sweep_inbox.apply()
    # The sweeper also applied the old waiting and failed events just now: they are kept their full period.
    assert set(LearnerEvent.objects.filter(event_id__in=["ev-2", "ev-3"]).values_list("state", flat=True)) <= {
        EventState.PROCESSED, EventState.IGNORED}
    assert pruning.prune(dry_run=True) == pruning.PruneResult(events=1, deliveries=1)
    badge_tasks.sweep_inbox.apply()
    assert pruning.prune(dry_run=True) == pruning.PruneResult()
    assert LearnerEvent.objects.count() == 3 and WebhookDelivery.objects.count() == 2
    assert not Award.objects.exists()  # nothing else was touched: no award appeared or went
