"""
Requirements naming an opportunity, a playlist or a badge class keep its uuid as ``str(uuid)`` gives it (lowercase,
dashed), which is how events and lookups name it; targets written before in another spelling are rewritten so.
"""
import uuid

from django.db import migrations

UUID_KINDS = ("opportunity_attended", "playlist_completed", "badge_earned")


def normalise(apps, schema_editor):  # pylint: disable=unused-argument
    Requirement = apps.get_model("cities_network_plugin", "Requirement")
    for pk, target in Requirement.objects.filter(kind__in=UUID_KINDS).values_list("pk", "target").iterator():
        try:
            text = str(uuid.UUID(target))
        except ValueError:
            continue  # not a uuid at all: left as it is (it matches nothing, as before)
        if text != target:
            Requirement.objects.filter(pk=pk).update(target=text)


class Migration(migrations.Migration):

    dependencies = [("cities_network_plugin", "0011_report_summaries")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
