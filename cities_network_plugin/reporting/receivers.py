"""Deleting an award or a completion that the report's summaries counted marks them for a rebuild."""
from django.db.models.signals import post_delete
from django.dispatch import receiver

from ..badges.models import Award
from ..opportunities.models import OpportunityCompletion
from . import summaries


@receiver(post_delete, sender=Award, dispatch_uid="cities_network_award_deleted_summaries")
def award_deleted(sender, instance, **kwargs):
    summaries.on_award_deleted(sender, instance, **kwargs)


@receiver(post_delete, sender=OpportunityCompletion, dispatch_uid="cities_network_completion_deleted_summaries")
def completion_deleted(sender, instance, **kwargs):
    summaries.on_completion_deleted(sender, instance, **kwargs)
