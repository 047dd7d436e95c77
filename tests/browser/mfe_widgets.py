"""
Rendering the micro-frontend widgets (tutor-cities-network/tutorcitiesnetwork/widgets) in the browser tests.

The widgets' test page (built by scripts/install_mfe_widgets.sh into .cache/mfe-widgets-page: the widgets' own
source, React and the real ``@edx/frontend-platform`` from npm) is served from an origin of its own,
``http://localhost:<port>``, as the MFEs are served from ``apps.<LMS host>``: another origin of the same site, so
the widgets' calls to the live test host are cross-origin with credentials, answered by the host's CORS
(django-cors-headers, as in the platform). No response is mocked: the page's AxiosJwtAuthService refreshes the JWT
cookies at the host's ``/login_refresh`` and calls the plugin's API with them.
"""
from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

import pytest

from tests.browser.harness import REPO_ROOT
from tests.conftest import require_service

PAGE_DIR = REPO_ROOT / ".cache" / "mfe-widgets-page"
WIDGET = "#sidebar .cities-network-widget"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture
def mfe_origin(settings, live_server):
    """
    The widgets' page on a server of its own, on the live server's host name (``localhost``) and another port:
    another origin of the same site, as apps.<LMS host> is. The live host lets that origin in with credentials.
    """
    require_service((PAGE_DIR / "page.js").is_file(),
                    f"the widgets' test page is not built ({PAGE_DIR}): run scripts/install_mfe_widgets.sh")
    try:
        import corsheaders  # noqa: F401 pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        corsheaders = None
    require_service(corsheaders is not None, "django-cors-headers (a platform dependency) is not installed: the "
                                             "test host cannot let the MFE origin in as the platform does")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(PAGE_DIR)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://{urlsplit(live_server.url).hostname}:{server.server_address[1]}"
    settings.CORS_ORIGIN_WHITELIST = [*getattr(settings, "CORS_ORIGIN_WHITELIST", []), origin]
    try:
        yield origin
    finally:
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    """An address where nothing listens: the API unreachable."""
    import socket  # pylint: disable=import-outside-toplevel

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://localhost:{probe.getsockname()[1]}"


def open_widget(page, origin: str, **query) -> None:
    """Open the widgets' page with ``query`` (widget, lms, studio, courseId, courseName)."""
    page.driver.get(f"{origin}/index.html?{urlencode(query)}")


def settled_text(page, seconds: int = 15) -> str:
    """
    The widget's text once it stopped loading. A host that does not answer takes longer: frontend-platform retries
    the JWT refresh with backoff before it gives up.
    """
    from selenium.webdriver.support.ui import WebDriverWait  # pylint: disable=import-outside-toplevel

    WebDriverWait(page.driver, seconds).until(lambda d: d.execute_script(
        "const w = document.querySelector(arguments[0]); return w && !w.querySelector('[role=status]');", WIDGET),
        "the widget did not finish loading")
    return page.text(WIDGET)
