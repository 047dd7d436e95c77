"""Celery tasks of badges: process inbox rows, sweep the ones left behind, email learners."""
import datetime
import logging

from celery import shared_task
from django.conf import settings

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, ignore_result=True, acks_late=True)
def process_learner_event(self, event_pk: int) -> str:
    """Apply one inbox row; a failure stays on the row and is retried with growing delays."""
    from . import pipeline  # pylint: disable=import-outside-toplevel
    from .models import EventState  # pylint: disable=import-outside-toplevel

    state = pipeline.process_event(event_pk)
    if state == EventState.FAILED and self.request.retries < self.max_retries and not self.request.is_eager:
        raise self.retry(countdown=min(30 * 2 ** self.request.retries, 3600))
    return state


@shared_task(ignore_result=True)
def sweep_inbox() -> int:
    """
    The periodic job: queue again the events still waiting or failed after a while, and the webhook deliveries no
    worker took up; give Open Badges 3.0 status list positions to awards still without one (a backfill, an award
    from before this was done at award time, a failure after the commit); bring the network report's summary tables
    up to date, so that a report rarely has anything to catch up with; and delete up to PRUNE_PER_RUN old inbox rows
    and webhook deliveries of each kind (``pruning``).
    """
    from .. import pruning  # pylint: disable=import-outside-toplevel
    from ..openbadges import statuslists  # pylint: disable=import-outside-toplevel
    from ..reporting import summaries  # pylint: disable=import-outside-toplevel
    from ..webhooks import api as webhooks_api  # pylint: disable=import-outside-toplevel
    from . import sweeper  # pylint: disable=import-outside-toplevel

    after = datetime.timedelta(minutes=settings.CITIES_NETWORK_SWEEP_AFTER_MINUTES)
    swept = sweeper.sweep(older_than=after)
    webhooks_api.redrive(older_than=after)
    statuslists.allocate_missing()
    summaries.catch_up()
    pruning.prune(limit=PRUNE_PER_RUN)
    return swept


PRUNE_PER_RUN = 20_000  # a few seconds of deletes; a backlog clears over several runs, or with cities_network_prune


@shared_task(bind=True, max_retries=5, default_retry_delay=120, ignore_result=True)
def send_award_email(self, award_pk: int) -> None:
    """Tell the learner about their badge."""
    from . import emails  # pylint: disable=import-outside-toplevel

    try:
        emails.send_award_email(award_pk)
    except OSError as exc:  # the mail server is unreachable: try again later
        raise self.retry(exc=exc) from exc


