"""
What the micro-frontends' authenticated client (``getAuthenticatedHttpClient`` of ``@edx/frontend-platform``) sends
reaches the learner dashboard widget's endpoints (``me/awards/``, ``me/badge-progress/``): the JWT cookies the LMS
sets at ``/login_refresh`` with the ``USE-JWT-COOKIE`` header, and a CORS preflight from the MFEs' origin with
credentials. The host's stand-in of ``/login_refresh`` is tested here too, since the browser tests rely on it.
"""
import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import require_service
from tests.host.platform_standin import jwt_cookies

pytestmark = pytest.mark.django_db
AWARDS = "/cities-network/api/v1/me/awards/"
PROGRESS = "/cities-network/api/v1/me/badge-progress/"
MFE_ORIGIN = "http://apps.local.openedx.io"


def test_login_refresh_sets_the_two_jwt_cookies_the_api_accepts(learner):
    client = Client()
    assert client.post("/login_refresh").status_code == 401  # signed out
    client.force_login(learner)
    assert client.get("/login_refresh").status_code == 405  # POST only, as the platform's
    response = client.post("/login_refresh")
    assert response.status_code == 200 and response.json()["user_id"] == learner.pk
    header_payload = response.cookies["edx-jwt-cookie-header-payload"]
    signature = response.cookies["edx-jwt-cookie-signature"]
    assert not header_payload["httponly"] and signature["httponly"]  # JavaScript reads only header.payload
    jwt_only = APIClient()  # no session: the JWT cookies alone
    jwt_only.cookies["edx-jwt-cookie-header-payload"] = header_payload.value
    jwt_only.cookies["edx-jwt-cookie-signature"] = signature.value
    for path in (AWARDS, PROGRESS):
        answer = jwt_only.get(path, HTTP_USE_JWT_COOKIE="true")
        assert answer.status_code == 200, answer.content
        assert answer.json()["results"] == []


def test_a_forged_jwt_cookie_is_refused(learner):
    header_and_payload, _, signature = jwt_cookies.create_jwt(learner, 300).rpartition(".")
    client = APIClient()
    client.cookies["edx-jwt-cookie-header-payload"] = header_and_payload
    client.cookies["edx-jwt-cookie-signature"] = signature[::-1]
    assert client.get(AWARDS, HTTP_USE_JWT_COOKIE="true").status_code == 401


def test_the_mfe_origin_may_call_the_api_with_credentials():
    """The preflight the browser sends before a GET with USE-JWT-COOKIE from the MFEs' origin."""
    try:
        import corsheaders  # noqa: F401 pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        corsheaders = None
    require_service(corsheaders is not None, "django-cors-headers (a platform dependency) is not installed: the test "
                                             "host cannot answer CORS as the platform does")
    response = Client().options(AWARDS, HTTP_ORIGIN=MFE_ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                                HTTP_ACCESS_CONTROL_REQUEST_HEADERS="use-jwt-cookie")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == MFE_ORIGIN
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "use-jwt-cookie" in response["Access-Control-Allow-Headers"]
    other = Client().options(AWARDS, HTTP_ORIGIN="http://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert "Access-Control-Allow-Origin" not in other
