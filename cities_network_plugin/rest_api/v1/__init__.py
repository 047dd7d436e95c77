"""REST API, version 1: ``/cities-network/api/v1/``."""
