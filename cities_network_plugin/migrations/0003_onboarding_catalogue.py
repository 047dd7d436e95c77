"""Ships the five-stage joining journey (stages and steps) as data."""
from django.db import migrations


def install_catalogue(apps, schema_editor):  # pylint: disable=unused-argument
    from cities_network_plugin.onboarding import catalogue  # pylint: disable=import-outside-toplevel

    catalogue.install(
        apps.get_model("cities_network_plugin", "OnboardingStage"),
        apps.get_model("cities_network_plugin", "OnboardingStep"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("cities_network_plugin", "0002_onboarding"),
    ]

    operations = [
        migrations.RunPython(install_catalogue, migrations.RunPython.noop),
    ]
