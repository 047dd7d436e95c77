# Dropped: cities_network_award_month (badge_class, issued_at) is a prefix of cities_network_award_report.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cities_network_plugin', '0012_requirement_uuid_targets'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='award',
            name='cities_network_award_month',
        ),
    ]
