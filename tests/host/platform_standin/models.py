"""Tables standing in for edx-platform's course overviews, enrollments, grades, certificates and roles."""
from django.conf import settings
from django.db import models


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
    Stands in for ``PersistentCourseGrade`` and ``GeneratedCertificate`` together.

    .. no_pii:
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course_key = models.CharField(max_length=255)
    percent = models.FloatField(default=0.0)
    passed = models.BooleanField(default=False)
    certificate_mode = models.CharField(max_length=32, blank=True)

    class Meta:
        unique_together = [("user", "course_key")]

    def __str__(self):
        return f"{self.user_id} in {self.course_key}"


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
