"""
A badge class that is saved active (or archived) makes its issuer an issuer: its profile and first key exist from
then on (``issuing.start_issuing``), in the same transaction as the class. Saving is every way a class becomes
active: the console, the API, the admin, the demo and tests all save the model.
"""
from django.db.models.signals import post_save
from django.dispatch import receiver

from ..badges.models import BadgeClass, BadgeStatus
from .issuing import start_issuing


@receiver(post_save, sender=BadgeClass, dispatch_uid="cities_network_class_starts_issuing")
def class_saved(sender, instance: BadgeClass, raw: bool = False, **kwargs):  # pylint: disable=unused-argument
    """Give the issuer of a class that is not a draft its Open Badges rows (two reads when they exist)."""
    if raw or instance.status == BadgeStatus.DRAFT:
        return
    start_issuing(instance.issuer_city if instance.issuer_city_id else None)
