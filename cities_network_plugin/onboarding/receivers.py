"""
Re-run a city's detectors when the data they read changes, and start a journey for every new city.

Receivers only queue work (after commit); the detectors run in a Celery task.
"""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ..opportunities.models import Opportunity
from ..queueing import enqueue_on_commit
from ..tenancy.models import City, CityOrganization, CityRole
from .models import CommunityCallAttendance, ImpactReview, IntroductoryMeeting, Stakeholder
from .tasks import evaluate_city_onboarding

WATCHED = (CityOrganization, CityRole, Stakeholder, CommunityCallAttendance, ImpactReview, IntroductoryMeeting,
           Opportunity)


def _city_changed(sender, instance, **kwargs):  # pylint: disable=unused-argument
    if kwargs.get("raw"):
        return  # fixtures being loaded
    enqueue_on_commit(evaluate_city_onboarding, instance.city_id)


for _model in WATCHED:
    post_save.connect(_city_changed, sender=_model, dispatch_uid=f"cities_network_onboarding_{_model.__name__}")
    post_delete.connect(_city_changed, sender=_model, dispatch_uid=f"cities_network_onboarding_del_{_model.__name__}")


@receiver(post_save, sender=City, dispatch_uid="cities_network_onboarding_city")
def city_saved(sender, instance, created, **kwargs):  # pylint: disable=unused-argument
    """A new city starts its journey; a changed city (its site, say) is detected again."""
    if kwargs.get("raw"):
        return
    enqueue_on_commit(evaluate_city_onboarding, instance.pk)
