"""Views of API v1, one module per domain."""
