"""
The network report's place in the Django admin.

The admin lists pages by model, so the report has a model of its own: a proxy of ``City`` (no table of its
own, only a content type) named ``Report``, whose admin "change list" is the report page, at
``/admin/cities_network_plugin/report/``. This keeps the page on the default ``admin.site`` with its login,
breadcrumbs and app index entry, without replacing the site's URLs.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..tenancy.models import City


class Report(City):
    """
    The network report (a proxy: it holds no data; see ``reporting.admin.ReportAdmin``).

    .. no_pii:
    """

    class Meta:
        proxy = True
        default_permissions = ()  # who sees it is decided by tenancy.permissions, not Django's model permissions
        verbose_name = _("network report")
        verbose_name_plural = _("network report")


# The summary tables of the network report (see ``reporting.summaries`` for how they are kept, and ADR 0010).
# Scopes of learner reach: a city's primary key, or one of these two.
NETWORK_SCOPE = 0  # badges the network itself issues
EVERYONE_SCOPE = -1  # the whole network, each learner once


class AwardMonthTally(models.Model):
    """
    Awards of one badge class issued in one UTC month: still valid (or expired) and revoked since.

    .. no_pii: Counts per badge class and month.
    """

    badge_class = models.ForeignKey("cities_network_plugin.BadgeClass", on_delete=models.CASCADE, related_name="+")
    # The class's issuer (None: the network), copied here so that the figures per city read this table alone.
    city = models.ForeignKey("cities_network_plugin.City", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    month = models.DateField(help_text=_("The first day of the month (UTC)."))
    awards = models.IntegerField(default=0)
    revoked = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["badge_class", "month"], name="cities_network_tally_month")]
        # Awards per month and city: read from this index alone, already in order.
        indexes = [models.Index(fields=["month", "city", "awards", "revoked"], name="cities_network_tally_by_month"),
                   # Top badges: sums per class from this index alone.
                   models.Index(fields=["badge_class", "month", "awards"], name="cities_network_tally_by_class")]

    def __str__(self) -> str:
        return f"{self.badge_class_id} {self.month:%Y-%m}: {self.awards} (+{self.revoked} revoked)"


class LearnerReach(models.Model):
    """
    A learner reached by a city (``scope`` is the city's id, or 0 for the network's own badges): how many of
    their valid awards of its badges and completions of its opportunities say so. No row when none does.

    .. no_pii: Links a user id to a city id and a count.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.IntegerField()
    reasons = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope"], name="cities_network_one_reach")]
        indexes = [models.Index(fields=["scope", "user"], name="cities_network_reach_scope")]

    def __str__(self) -> str:
        return f"{self.user_id} reached by {self.scope} ({self.reasons})"


class ReachCount(models.Model):
    """
    How many learners a scope reached: a city (its id), the network's own badges (0), everyone (-1, each
    learner once).

    .. no_pii: A count per city.
    """

    scope = models.IntegerField(primary_key=True)
    learners = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.scope}: {self.learners}"


class SummaryState(models.Model):
    """
    The summaries' own state (one row): ``stale`` when something they counted was deleted, so the next catch-up
    rebuilds them; the row is also the lock that lets one catch-up run at a time.

    .. no_pii:
    """

    stale = models.BooleanField(default=False)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    caught_up_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"summaries (stale={self.stale})"
