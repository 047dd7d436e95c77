"""
The report's titles and column headings in the reader's language, for the admin page and its charts.

``reporting.api`` names its tables and columns in English: those names are the API's and the CSV files' keys and
stay as they are. Pages look the shown words up here; a table or column not listed is shown by its own name.
"""
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from .api import NOT_STARTED, TOP_BADGES, TOTAL_LABEL

TITLES = {
    "cities_per_stage": _("Cities per onboarding stage"),
    "awards_per_month": _("Badges awarded per month"),
    "learners_reached": _("Learners reached"),
    "opportunities_by_kind": _("Learning opportunities by kind"),
}
COLUMNS = {  # column names are words of the API, so their translations have a context of their own
    "stage": pgettext_lazy("report column", "stage"),
    "title": pgettext_lazy("report column", "title"),
    "cities": pgettext_lazy("report column", "cities"),
    "month": pgettext_lazy("report column", "month"),
    "city": pgettext_lazy("report column", "city"),
    "awards": pgettext_lazy("report column", "awards"),
    "revoked": pgettext_lazy("report column", "revoked"),
    "name": pgettext_lazy("report column", "name"),
    "learners": pgettext_lazy("report column", "learners"),
    "kind": pgettext_lazy("report column", "kind"),
    "label": pgettext_lazy("report column", "label"),
    "published": pgettext_lazy("report column", "published"),
    "draft": pgettext_lazy("report column", "draft"),
    "badge": pgettext_lazy("report column", "badge"),
    "issuer": pgettext_lazy("report column", "issuer"),
}


CELLS = {  # the few cell values the report writes itself (the rest are names and numbers from the data)
    NOT_STARTED: _("Not started"),
    TOTAL_LABEL: _("Whole network, each learner once"),
    "total": pgettext_lazy("report row", "total"),
}


def cell(value):
    """A cell as the reader sees it: the report's own words translated, data as it is."""
    return str(CELLS[value]) if isinstance(value, str) and value in CELLS else value


def rows(table) -> list[tuple]:
    """The table's rows with the report's own words in the reader's language."""
    return [tuple(cell(value) for value in row) for row in table.rows]


def total(table) -> tuple | None:
    return tuple(cell(value) for value in table.total) if table.total else None


def title(table) -> str:
    """The table's title in the reader's language."""
    if table.name == "top_badges":
        return ngettext("Top %(count)d badge", "Top %(count)d badges", TOP_BADGES) % {"count": TOP_BADGES}
    return str(TITLES.get(table.name, table.title))


def columns(table) -> list[str]:
    """The table's column headings in the reader's language."""
    return [str(COLUMNS.get(column, column)) for column in table.columns]
