"""
Issuer profiles are now made where an issuer starts to issue (a class becomes active), no longer by the first GET of
a document, which made rows for whatever city slug was asked. A city that issued before this release but whose
documents nobody had fetched yet gets its profile here (and the network, if it has classes), as the first GET would
have made it, so that its public documents stay public. Keys are left to ``cities_network_keys generate --all``:
a migration does not make private keys.
"""
from django.conf import settings
from django.db import migrations

NETWORK = "network"


def _base() -> str:
    configured = getattr(settings, "CITIES_NETWORK_PUBLIC_URL", "") or getattr(settings, "LMS_ROOT_URL", "")
    return (configured or "http://localhost").rstrip("/")


def make_profiles(apps, schema_editor):  # pylint: disable=unused-argument
    BadgeClass = apps.get_model("cities_network_plugin", "BadgeClass")
    City = apps.get_model("cities_network_plugin", "City")
    IssuerProfile = apps.get_model("cities_network_plugin", "IssuerProfile")
    network_name = getattr(settings, "CITIES_NETWORK_NAME", "Cities of Learning Network")
    contact = getattr(settings, "CITIES_NETWORK_CONTACT_EMAIL", "info@learningcities.net")
    issuing = BadgeClass.objects.exclude(status="draft")
    for city in City.objects.filter(pk__in=issuing.values("issuer_city_id"), issuer_profile__isnull=True):
        slug = city.slug if city.slug != NETWORK else f"city-{city.slug}"
        IssuerProfile.objects.create(
            city=city, slug=slug, name=city.name, email=city.contact_email or contact,
            url=city.website or f"{_base()}/cities-network/c/{city.slug}/",
            description=f"{city.name}, a city of the {network_name}.")
    if issuing.filter(issuer_city__isnull=True).exists() and not IssuerProfile.objects.filter(slug=NETWORK).exists():
        IssuerProfile.objects.create(
            slug=NETWORK, city=None, name=network_name, email=contact,
            url=getattr(settings, "CITIES_NETWORK_ISSUER_URL", "") or f"{_base()}/cities-network/",
            description=f"The {network_name}.")


class Migration(migrations.Migration):

    dependencies = [("cities_network_plugin", "0013_drop_award_month_index")]

    operations = [migrations.RunPython(make_profiles, migrations.RunPython.noop)]
