"""
A real HTTP endpoint on 127.0.0.1 for the webhook tests, and the receiver-side signature check exactly as
``webhooks.api`` documents it.
"""
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cities_network_plugin.webhooks import api as webhooks_api

from tests.host.celery_app import configure


class Receiver:
    """
    Records every request; answers each with the next planned behaviour (an HTTP status, or ``"slow"``: wait
    until the test ends before answering), then with ``default``.
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.plan: list = []
        self.default = 200
        self.released = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # a client that gave up is expected
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/badges"

    def answer(self, *behaviours) -> None:
        self.plan.extend(behaviours)

    def _next(self):
        with self._lock:
            return self.plan.pop(0) if self.plan else self.default

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "headers": self.headers, "body": body})
                behaviour = receiver._next()
                if behaviour == "slow":
                    receiver.released.wait(10)
                    behaviour = 200
                try:
                    self.send_response(behaviour)
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.end_headers()
                    self.wfile.write(f"answer {behaviour}".encode())
                except OSError:
                    pass

            def log_message(self, *args):  # keep the test output clean
                pass

        return Handler

    def start(self):
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def documented_verify():
    """The ``verify`` function of the receiver-side recipe in ``webhooks.api``'s docstring, run as written."""
    block = webhooks_api.__doc__.split("Receiver side::", 1)[1].splitlines()[1:]
    lines = []
    for line in block:
        if line.strip() and not line.startswith("    "):
            break
        lines.append(line)
    namespace: dict = {}
    exec(textwrap.dedent("\n".join(lines)), namespace)  # noqa: S102 - our own documentation, under test
    return namespace["verify"]


@pytest.fixture
def verify():
    return documented_verify()


@pytest.fixture
def retries_run():
    """
    Let ``self.retry`` run the retries in the test process.

    The host runs tasks eagerly and propagates their exceptions, so a retry would reach the caller as a ``Retry``
    exception instead of running. Without propagation Celery's eager ``apply`` runs each retry at once (the
    countdown is not waited for), the way a worker would run it later.
    """
    from cities_network_plugin.webhooks.tasks import deliver_webhook  # pylint: disable=import-outside-toplevel

    app = deliver_webhook.app
    before = app.conf.task_eager_propagates
    configure(app, task_eager_propagates=False)
    yield
    configure(app, task_eager_propagates=before)
