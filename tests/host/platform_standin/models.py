"""Tables standing in for edx-platform's course overviews, enrollments, grades, certificates and roles."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from opaque_keys.edx.django.models import CourseKeyField


class StandinCourse(models.Model):
    """
    Stands in for ``CourseOverview``; ``tabs`` holds the course's stored tabs as dictionaries, as its
    ``CourseOverviewTab`` rows do (``openedx/core/djangoapps/content/course_overviews/models.py``).

    .. no_pii:
    """

    course_key = models.CharField(max_length=255, unique=True)
    display_name = models.CharField(max_length=255)
    org = models.CharField(max_length=255, db_index=True)
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    tabs = models.JSONField(default=list, blank=True)

    def __str__(self):
        return self.course_key


class StandinEnrollment(models.Model):
    """
    Stands in for ``CourseEnrollment``.

    .. no_pii:
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course_key = models.CharField(max_length=255)
    is_active = models.BooleanField(default=True)

    class Meta:
        unique_together = [("user", "course_key")]

    def __str__(self):
        return f"{self.user_id} in {self.course_key}"


class StandinCourseStaff(models.Model):
    """
    Stands in for the platform's course staff and instructor roles.

    .. no_pii:
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course_key = models.CharField(max_length=255)

    def __str__(self):
        return f"{self.user_id} staff of {self.course_key}"


class StandinCourseGrade(models.Model):
    """
    Stands in for ``PersistentCourseGrade`` (``lms/djangoapps/grades/models.py``), with its field names.
    ``letter_grade`` is empty while the learner is not passing: ``letter_grade != ''`` is the platform's own test
    (``CourseGradeFactory._read``). ``passed_timestamp`` is when they first passed; it is never cleared.

    .. no_pii:
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course_id = CourseKeyField(max_length=255)
    percent_grade = models.FloatField(default=0.0)
    letter_grade = models.CharField(max_length=255, blank=True)
    passed_timestamp = models.DateTimeField(null=True, blank=True)

    class Meta:
        unique_together = [("course_id", "user")]

    def __str__(self):
        return f"{self.user_id} in {self.course_id}"

    @classmethod
    def update_or_create(cls, user_id: int, course_id, percent_grade: float, letter_grade: str = "",
                         passed: bool = False) -> "StandinCourseGrade":
        """
        Store a learner's grade as ``PersistentCourseGrade.update_or_create`` does: the letter grade follows the
        grade (empty below passing), ``passed_timestamp`` is set the first time they pass and then kept.
        """
        grade, _ = cls.objects.update_or_create(user_id=user_id, course_id=course_id, defaults={
            "percent_grade": percent_grade, "letter_grade": letter_grade})
        if passed and not grade.passed_timestamp:
            grade.passed_timestamp = timezone.now()
            grade.save()
        return grade


class EligibleCertificateManager(models.Manager):
    """Certificates without the audit statuses, as the platform's manager of the same name."""

    def get_queryset(self):
        return super().get_queryset().exclude(status__in=("audit_passing", "audit_notpassing"))


class StandinCertificate(models.Model):
    """
    Stands in for ``GeneratedCertificate`` (``lms/djangoapps/certificates/models.py``), with its field names and
    its ``eligible_certificates`` manager. A learner holds the certificate while its status is ``downloadable``
    (``CertificateStatuses`` in ``lms/djangoapps/certificates/data.py``); a certificate may exist without a grade
    row (granted by hand, an allowlist, a grade since deleted).

    .. no_pii:
    """

    objects = models.Manager()
    eligible_certificates = EligibleCertificateManager()

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course_id = CourseKeyField(max_length=255)
    mode = models.CharField(max_length=32, default="honor")
    status = models.CharField(max_length=32, default="unavailable")

    class Meta:
        unique_together = [("user", "course_id")]

    def __str__(self):
        return f"{self.user_id} in {self.course_id}: {self.status}"


class StandinUserPreference(models.Model):
    """
    Stands in for the platform's ``UserPreference`` (a key and a value per user; ``pref-lang`` is the language).

    .. no_pii:
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    value = models.TextField()

    class Meta:
        unique_together = [("user", "key")]

    def __str__(self):
        return f"{self.user_id} {self.key}"
