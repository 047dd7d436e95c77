"""Open edX plugin for the Cities of Learning Network."""

__version__ = "0.1.0"
