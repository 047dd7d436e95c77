"""
Grades and certificates in two tables, as the platform keeps them (``PersistentCourseGrade``,
``GeneratedCertificate``): a passing grade becomes a letter grade and a first-passed time, a certificate mode a
downloadable certificate.
"""
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone
import django.db.models.deletion
import opaque_keys.edx.django.models


def split(apps, schema_editor):  # pylint: disable=unused-argument
    grades = apps.get_model("platform_standin", "StandinCourseGrade")
    certificates = apps.get_model("platform_standin", "StandinCertificate")
    now = timezone.now()
    grades.objects.filter(passed=True).update(letter_grade="Pass", passed_timestamp=now)
    certificates.objects.bulk_create([
        certificates(user_id=grade.user_id, course_id=grade.course_key, mode=grade.certificate_mode,
                     status="downloadable")
        for grade in grades.objects.exclude(certificate_mode="")])


def join(apps, schema_editor):  # pylint: disable=unused-argument
    grades = apps.get_model("platform_standin", "StandinCourseGrade")
    certificates = apps.get_model("platform_standin", "StandinCertificate")
    grades.objects.exclude(letter_grade="").update(passed=True)
    for certificate in certificates.objects.filter(status="downloadable"):
        grades.objects.update_or_create(user_id=certificate.user_id, course_key=str(certificate.course_id),
                                        defaults={"certificate_mode": certificate.mode})


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('platform_standin', '0003_course_tabs'),
    ]

    operations = [
        migrations.CreateModel(
            name='StandinCertificate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('course_id', opaque_keys.edx.django.models.CourseKeyField(max_length=255)),
                ('mode', models.CharField(default='honor', max_length=32)),
                ('status', models.CharField(default='unavailable', max_length=32)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'unique_together': {('user', 'course_id')},
            },
        ),
        migrations.AddField(
            model_name='standincoursegrade',
            name='letter_grade',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name='standincoursegrade',
            name='passed_timestamp',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(split, join),
        migrations.RemoveField(model_name='standincoursegrade', name='passed'),
        migrations.RemoveField(model_name='standincoursegrade', name='certificate_mode'),
        migrations.RenameField(model_name='standincoursegrade', old_name='percent', new_name='percent_grade'),
        migrations.RenameField(model_name='standincoursegrade', old_name='course_key', new_name='course_id'),
        migrations.AlterField(
            model_name='standincoursegrade',
            name='course_id',
            field=opaque_keys.edx.django.models.CourseKeyField(max_length=255),
        ),
        migrations.AlterUniqueTogether(
            name='standincoursegrade',
            unique_together={('course_id', 'user')},
        ),
    ]
