"""
Learning opportunities and playlists.

An opportunity is either course-backed (an Open edX course, whose title and dates follow the platform) or
off-platform (an event, workshop or activity with a place or online). It belongs to one city (whose team
edits it) and is shown in one or more cities. A playlist orders opportunities, mandatory and optional, towards
a goal (usually a badge).
"""
import json
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..tenancy.models import LANGUAGE_VALIDATOR, City, Stakeholder


class UnicodeJSONEncoder(json.JSONEncoder):
    """Stores JSON text with its letters as they are ("dviračių", not "dvira\\u010di\\u0173"), so text search works."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class OpportunityKind(models.TextChoices):
    """What sort of learning an opportunity offers."""

    COURSE = "course", _("Course")
    EVENT = "event", _("Event")
    WORKSHOP = "workshop", _("Workshop")
    ACTIVITY = "activity", _("Activity")
    VOLUNTEERING = "volunteering", _("Volunteering")
    OTHER = "other", _("Other")


class PublicationStatus(models.TextChoices):
    """Learners see published records only."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class OpportunityQuerySet(models.QuerySet):
    """Queries over opportunities."""

    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def in_city(self, city):
        """Shown in ``city`` (owned by it or tagged to it)."""
        return self.filter(cities=city).distinct()


class Opportunity(models.Model):
    """
    A learning opportunity.

    ``course_key`` is set for course-backed opportunities (one per course). ``skills`` is a list of
    ``{"uri": ..., "label": ...}`` (ESCO URIs). Coordinates are WGS 84 degrees.

    .. no_pii:
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="owned_opportunities",
                             help_text=_("The city whose team manages this opportunity."))
    cities = models.ManyToManyField(City, related_name="opportunities", blank=True,
                                    help_text=_("Cities where the opportunity is shown (the owner included)."))
    kind = models.CharField(max_length=16, choices=OpportunityKind.choices, default=OpportunityKind.EVENT)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    course_key = models.CharField(max_length=255, unique=True, null=True, blank=True,
                                  help_text=_("The Open edX course, for course-backed opportunities."))
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    online = models.BooleanField(default=False)
    place_name = models.CharField(max_length=255, blank=True)
    address = models.CharField(max_length=500, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    url = models.URLField(blank=True, help_text=_("Where learners sign up or read more."))
    organiser = models.ForeignKey(Stakeholder, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="opportunities")
    language = models.CharField(max_length=16, blank=True, validators=[LANGUAGE_VALIDATOR])
    skills = models.JSONField(default=list, blank=True, encoder=UnicodeJSONEncoder)
    status = models.CharField(max_length=16, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT,
                              db_index=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["start", "title"]
        verbose_name_plural = _("opportunities")
        indexes = [models.Index(fields=["status", "start"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_course(self) -> bool:
        return bool(self.course_key)

    @property
    def has_location(self) -> bool:
        return not self.online and self.latitude is not None and self.longitude is not None


class Playlist(models.Model):
    """
    An ordered path of opportunities: every mandatory item, and at least ``min_optional`` optional ones.

    .. no_pii:
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="playlists")
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    min_optional = models.PositiveSmallIntegerField(
        default=0, help_text=_("How many optional items a learner must complete besides the mandatory ones."))
    status = models.CharField(max_length=16, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT,
                              db_index=True)
    opportunities = models.ManyToManyField(Opportunity, through="PlaylistItem", related_name="playlists")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class PlaylistItem(models.Model):
    """
    One opportunity in a playlist, at a position, mandatory or optional.

    .. no_pii:
    """

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="items")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="playlist_items")
    position = models.PositiveSmallIntegerField(default=0)
    mandatory = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["playlist", "opportunity"], name="cities_network_item_once_per_playlist"),
        ]

    def __str__(self) -> str:
        return f"{self.playlist}: {self.opportunity}"


class CompletionSource(models.TextChoices):
    """How a learner's completion became known."""

    COURSE_PASSED = "course_passed", _("Passed the course")
    CERTIFICATE = "certificate", _("Earned the course certificate")
    ATTENDANCE = "attendance", _("Attendance recorded by the organiser")
    CLAIM_CODE = "claim_code", _("Claimed with the event's code")
    MANUAL = "manual", _("Recorded by the city team")


class OpportunityCompletion(models.Model):
    """
    A learner completed (or attended) an opportunity. One row per learner and opportunity.

    .. no_pii: Links a user id to an opportunity; the user's own data stays in the user table.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="cities_network_completions")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="completions")
    source = models.CharField(max_length=16, choices=CompletionSource.choices)
    completed_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # Counted in the network report's summary tables yet (reporting.summaries)?
    tallied = models.BooleanField(default=False, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "opportunity"], name="cities_network_one_completion"),
        ]
        # The network report reads completions by date across all opportunities; the summaries find the new ones.
        indexes = [models.Index(fields=["completed_at", "opportunity", "user"], name="cities_network_completion_at"),
                   models.Index(fields=["tallied"], name="cities_network_completion_new")]

    def __str__(self) -> str:
        return f"{self.user_id} completed {self.opportunity_id}"


class PlaylistProgress(models.Model):
    """
    A learner's progress through a playlist, stored so that pages and badge rules read it in one query.

    .. no_pii: Links a user id to a playlist; the user's own data stays in the user table.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="cities_network_playlist_progress")
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="progress")
    mandatory_done = models.PositiveSmallIntegerField(default=0)
    mandatory_total = models.PositiveSmallIntegerField(default=0)
    optional_done = models.PositiveSmallIntegerField(default=0)
    optional_needed = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "playlist"], name="cities_network_one_playlist_progress"),
        ]
        verbose_name_plural = _("playlist progress")

    def __str__(self) -> str:
        return f"{self.user_id} in {self.playlist_id}"

    @property
    def complete(self) -> bool:
        return self.completed_at is not None


class ClaimCode(models.Model):
    """
    A code (and the QR link made from it) with which learners record their own attendance of an event, within
    a time window. One claim per learner and opportunity (the completion's uniqueness decides).

    .. no_pii:
    """

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="claim_codes")
    code = models.CharField(max_length=16, unique=True)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.code} ({self.opportunity})"
