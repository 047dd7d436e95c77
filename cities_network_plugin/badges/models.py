"""
Badge classes, their requirements, awards, per-learner progress, and the inbox of learning events.

A class is earned when every requirement group holds; a group holds when at least ``min_required`` of its
requirements hold (1: any of them). Requirements name their target as text (a course key, an opportunity,
playlist or badge class uuid), indexed with their kind, so an event finds the classes it concerns in one
indexed query.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..opportunities.models import UnicodeJSONEncoder
from ..tenancy.models import City


class BadgeStatus(models.TextChoices):
    """Only active classes are awarded; archived ones keep their awards valid."""

    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class ExpiryRule(models.TextChoices):
    """When an award stops being valid."""

    NONE = "none", _("Never expires")
    FIXED_DATE = "fixed_date", _("On a fixed date")
    DAYS_AFTER = "days_after", _("A number of days after the award")


class BadgeClass(models.Model):
    """
    A badge a city (or the network, when ``issuer_city`` is empty) awards.

    The image is stored in the database (at most 256 KiB, PNG or SVG, checked on upload) so that baking and
    serving never depend on a file store. ``alignments`` are skills or frameworks, e.g. ESCO:
    ``[{"targetName": ..., "targetUrl": ..., "targetFramework": "ESCO", "targetCode": ...}]``.

    .. no_pii:
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer_city = models.ForeignKey(City, null=True, blank=True, on_delete=models.PROTECT, related_name="badge_classes",
                                    help_text=_("Empty: the network issues this badge."))
    name = models.CharField(max_length=255)
    description = models.TextField()
    image = models.BinaryField(blank=True, default=b"", editable=False)
    image_type = models.CharField(max_length=32, blank=True, editable=False)
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    criteria_narrative = models.TextField(help_text=_("What a learner does to earn the badge, in plain words."))
    alignments = models.JSONField(default=list, blank=True, encoder=UnicodeJSONEncoder)
    tags = models.JSONField(default=list, blank=True, encoder=UnicodeJSONEncoder)
    expiry_rule = models.CharField(max_length=16, choices=ExpiryRule.choices, default=ExpiryRule.NONE)
    expires_on = models.DateField(null=True, blank=True)
    expires_after_days = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=BadgeStatus.choices, default=BadgeStatus.DRAFT, db_index=True)
    allow_reearning = models.BooleanField(
        default=False, help_text=_("A learner may earn the badge again after it was revoked or expired."))
    revoke_when_certificate_revoked = models.BooleanField(default=True)
    revoke_when_passing_lost = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    previous_version = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                            related_name="next_version")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("badge class")
        verbose_name_plural = _("badge classes")

    def __str__(self) -> str:
        return self.name if self.version == 1 else f"{self.name} (v{self.version})"


class RequirementGroup(models.Model):
    """
    A group of requirements: it holds when at least ``min_required`` of them hold.

    .. no_pii:
    """

    badge_class = models.ForeignKey(BadgeClass, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveSmallIntegerField(default=0)
    min_required = models.PositiveSmallIntegerField(default=1, help_text=_("1 means any one of them."))
    name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name or f"Group {self.position + 1} of {self.badge_class}"


class RequirementKind(models.TextChoices):
    """What a requirement asks of the learner."""

    COURSE_PASSED = "course_passed", _("Pass a course")
    CERTIFICATE_EARNED = "certificate_earned", _("Earn a course certificate")
    OPPORTUNITY_ATTENDED = "opportunity_attended", _("Attend or complete an opportunity")
    PLAYLIST_COMPLETED = "playlist_completed", _("Complete a playlist")
    BADGE_EARNED = "badge_earned", _("Hold another badge")
    MANUAL = "manual", _("Awarded by the city team")


class Requirement(models.Model):
    """
    One requirement. ``target`` is the course key, or the uuid of the opportunity, playlist or badge class;
    empty for manual awards. ``certificate_modes`` limits a certificate requirement to some modes.

    .. no_pii:
    """

    group = models.ForeignKey(RequirementGroup, on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField(max_length=24, choices=RequirementKind.choices)
    target = models.CharField(max_length=255, blank=True)
    certificate_modes = models.JSONField(default=list, blank=True)
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["kind", "target"], name="cities_network_req_target")]

    def __str__(self) -> str:
        return self.description or f"{self.get_kind_display()}: {self.target}"


class Award(models.Model):
    """
    A badge awarded to a learner. ``attempt`` counts re-earnings (when the class allows them): the unique
    (learner, class, attempt) makes two workers racing on the same learner produce one award.

    ``recipient_email`` is the address at the time of the award (hashed with ``salt`` in public documents);
    ``evidence`` says what earned it (event, course, grade, requirement).

    .. pii: The learner's email address at the time of the award, and their display name.
    .. pii_types: email_address, name
    .. pii_retirement: local_api
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge_class = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="awards")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cities_network_awards")
    attempt = models.PositiveSmallIntegerField(default=1)
    recipient_email = models.EmailField()
    recipient_name = models.CharField(max_length=255, blank=True)
    salt = models.CharField(max_length=32)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False, db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=500, blank=True)
    evidence = models.JSONField(default=dict, blank=True, encoder=UnicodeJSONEncoder)
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", help_text=_("For manual awards: who awarded it."))
    # How the network report's summary tables count this award (reporting.summaries): not yet, as awarded, or as
    # revoked. A new award starts at "not yet" whichever way it is written (the pipeline, the backfill's bulk
    # INSERT), so the summaries catch up with every award without the write paths knowing about them.
    tally = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "badge_class", "attempt"], name="cities_network_one_award"),
        ]
        indexes = [
            # Covers the network report's queries (by class, month, revoked or not, learner) without reading rows;
            # its first two columns serve what an index on (class, issued_at) would (one was dropped: 0013).
            models.Index(fields=["badge_class", "issued_at", "revoked", "user"], name="cities_network_award_report"),
            # Finds the awards the summaries have not counted yet (tally 0) or counted before their revocation.
            models.Index(fields=["tally", "revoked"], name="cities_network_award_tally"),
        ]

    def __str__(self) -> str:
        return f"{self.badge_class} → {self.user_id}"


class BadgeProgress(models.Model):
    """
    A learner's progress towards a class ("2 of 3"): requirement groups met, and per group what holds.

    .. no_pii: Links a user id to a badge class.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="cities_network_badge_progress")
    badge_class = models.ForeignKey(BadgeClass, on_delete=models.CASCADE, related_name="progress")
    groups_met = models.PositiveSmallIntegerField(default=0)
    groups_total = models.PositiveSmallIntegerField(default=0)
    requirements_met = models.PositiveSmallIntegerField(default=0)
    requirements_total = models.PositiveSmallIntegerField(default=0)
    detail = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "badge_class"], name="cities_network_one_badge_progress"),
        ]
        verbose_name_plural = _("badge progress")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.groups_met}/{self.groups_total} of {self.badge_class_id}"


class CourseStanding(models.Model):
    """
    What the events said last about a learner in a course: passing or not, the certificate and its status.
    Each part keeps the time of the event that set it, so an older event arriving late changes nothing.

    .. no_pii: Links a user id to a course.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="cities_network_course_standings")
    course_key = models.CharField(max_length=255)
    passing = models.BooleanField(default=False)
    passing_at = models.DateTimeField(null=True, blank=True)
    grade = models.CharField(max_length=16, blank=True)
    certificate_mode = models.CharField(max_length=32, blank=True)
    certificate_status = models.CharField(max_length=32, blank=True)
    certificate_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course_key"], name="cities_network_one_standing"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_key}"

    @property
    def has_certificate(self) -> bool:
        return self.certificate_status == "downloadable"


class EventState(models.TextChoices):
    """Where an inbox row stands."""

    PENDING = "pending", _("Waiting")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Failed (will be retried)")
    IGNORED = "ignored", _("Ignored")


class LearnerEvent(models.Model):
    """
    The inbox: every learning event the plugin received, written in the sender's transaction and processed by
    a task after commit. ``event_id`` (the event's metadata id) is unique, so a redelivered event is dropped.

    .. no_pii: Holds user ids and course keys; the payload keeps no names or email addresses.
    """

    event_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=128)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    target = models.CharField(max_length=255, blank=True, db_index=True)
    payload = models.JSONField(default=dict, encoder=UnicodeJSONEncoder)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    state = models.CharField(max_length=16, choices=EventState.choices, default=EventState.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["state", "received_at"], name="cities_network_inbox_state")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} ({self.state})"
