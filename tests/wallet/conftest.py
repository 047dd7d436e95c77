"""The badge fixtures (real events through the pipeline) serve the wallet tests too."""
from tests.badges.conftest import events, make_class  # noqa: F401 - pytest fixtures
