from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('platform_standin', '0002_user_preference'),
    ]

    operations = [
        migrations.AddField(
            model_name='standincourse',
            name='tabs',
            field=models.JSONField(blank=True, default=list),
        ),
    ]
