"""JSON-LD contexts: fetched by a command (the web stubbed here), read from a directory, never from the network."""
import io
import json

import pytest
import requests
from django.core.management import CommandError, call_command

from cities_network_plugin.openbadges import dataintegrity


class _Answer:
    def __init__(self, document, status=200):
        self.document, self.status_code = document, status

    def raise_for_status(self):
        if self.status_code >= 400:
            raise requests.HTTPError(f"{self.status_code}")

    def json(self):
        return self.document


def test_the_command_fills_the_directory_from_the_web(monkeypatch, settings, tmp_path):
    asked = []

    def fake_get(url, **kwargs):
        asked.append((url, kwargs["headers"]["Accept"], kwargs["timeout"]))
        return _Answer({"@context": {"name": f"https://example.org/{len(asked)}"}})

    monkeypatch.setattr(requests, "get", fake_get)
    settings.CITIES_NETWORK_JSONLD_CONTEXTS_DIR = str(tmp_path / "contexts")
    out = io.StringIO()
    call_command("cities_network_contexts", stdout=out)
    assert [url for url, _, _ in asked] == list(dataintegrity.REQUIRED_CONTEXTS)
    assert all("application/ld+json" in accept and timeout for _, accept, timeout in asked)
    assert dataintegrity.missing_contexts() == []
    stored = json.loads((tmp_path / "contexts" / dataintegrity.context_filename(dataintegrity.VC_V2)).read_text())
    assert stored == {"@context": {"name": "https://example.org/1"}}
    call_command("cities_network_contexts", stdout=out)  # kept: nothing fetched again
    assert len(asked) == len(dataintegrity.REQUIRED_CONTEXTS)
    assert "kept" in out.getvalue()


def test_the_command_refuses_what_is_not_a_context(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(requests, "get", lambda url, **kwargs: _Answer({"html": "a login page"}))
    settings.CITIES_NETWORK_JSONLD_CONTEXTS_DIR = str(tmp_path)
    with pytest.raises(CommandError, match="could not be downloaded"):
        call_command("cities_network_contexts", stdout=io.StringIO(), stderr=io.StringIO())
    assert dataintegrity.missing_contexts() == list(dataintegrity.REQUIRED_CONTEXTS)
    settings.CITIES_NETWORK_JSONLD_CONTEXTS_DIR = ""
    with pytest.raises(CommandError, match="CITIES_NETWORK_JSONLD_CONTEXTS_DIR"):
        call_command("cities_network_contexts")


def test_the_loader_never_goes_to_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the network was asked")

    monkeypatch.setattr(requests, "get", no_network)
    with pytest.raises(dataintegrity.ContextsUnavailableError, match="cities_network_contexts"):
        dataintegrity.document_loader("https://example.org/unknown-context")
    name = dataintegrity.context_filename("https://w3id.org/security/multikey/v1")
    assert name == "w3id.org_security_multikey_v1.jsonld"  # as tests/js/export_contexts.mjs names it
