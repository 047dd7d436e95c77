"""
The network report's place in the Django admin.

The admin lists pages by model, so the report has a model of its own: a proxy of ``City`` (no table of its
own, only a content type) named ``Report``, whose admin "change list" is the report page, at
``/admin/cities_network_plugin/report/``. This keeps the page on the default ``admin.site`` with its login,
breadcrumbs and app index entry, without replacing the site's URLs.
"""
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
