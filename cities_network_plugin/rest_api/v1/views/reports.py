"""The network report over the API (network managers only); the figures come from ``reporting.api``."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ....reporting import api as reporting_api
from ....reporting import csv as reporting_csv
from ....tenancy.models import CityStatus
from ..permissions import IsNetworkManager
from ..schema import document
from .base import ApiViewMixin, raise_as_drf


class CsvRenderer(BaseRenderer):
    """Passes a view's CSV text through; picked with ``?format=csv`` or ``Accept: text/csv``."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode(self.charset) if isinstance(data, str) else b""


_PARAMETERS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="First day (UTC) of awards and completions."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Last day (UTC), included."),
    OpenApiParameter("country", OpenApiTypes.STR, many=True, explode=True,
                     description="Cities of these countries (two-letter codes); repeat it or give a comma list."),
    OpenApiParameter("status", OpenApiTypes.STR, many=True, explode=True, enum=CityStatus.values,
                     description="Cities of these statuses; repeat it or give a comma list."),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"],
                     description="json (every table, the default) or csv (one table, named by `table`)."),
    OpenApiParameter("table", OpenApiTypes.STR, enum=list(reporting_api.TABLE_NAMES),
                     description="With format=csv: the table to download."),
]


# Outside the request's transaction: the catch-up commits chunk by chunk (see reporting/admin.py).
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class NetworkReportView(ApiViewMixin, APIView):
    """
    The network report: cities per onboarding stage, awards per month and city, learners reached, opportunities
    by kind and the top badges, for network managers. ``?format=csv&table=<name>`` gives one table as CSV.
    Errors are JSON whatever format was asked for. ``still_counting`` is true while awards and completions are
    still waiting to be counted into the report's summaries (after an upgrade): the figures are not complete yet.
    """

    permission_classes = (IsAuthenticated, IsNetworkManager)
    renderer_classes = (JSONRenderer, CsvRenderer)

    @document(
        parameters=_PARAMETERS,
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="Every table of the report."),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One table as CSV."),
            400: OpenApiResponse(description="A filter or the table name is wrong; the messages name it."),
            403: OpenApiResponse(description="Only network managers see the report."),
        },
        operation_id="reports_network",
    )
    def get(self, request):
        try:
            filters = reporting_api.ReportFilters.from_params(request.query_params)
        except DjangoValidationError as exc:
            raise_as_drf(exc)
        if request.accepted_renderer.format != "csv":
            return Response(reporting_api.network_report(filters).as_dict())
        table = request.query_params.get("table", "")
        if table not in reporting_api.TABLE_NAMES:
            names = ", ".join(reporting_api.TABLE_NAMES)
            raise ValidationError({"table": [_("Name the table to download: one of %(names)s.") % {"names": names}]})
        text = reporting_csv.write_table(reporting_api.build_table(table, filters))
        return Response(text, content_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{reporting_csv.filename(table, filters)}"'})

    def handle_exception(self, exc):
        # The CSV renderer only writes text; an error is a JSON object, so answer it as JSON.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)
