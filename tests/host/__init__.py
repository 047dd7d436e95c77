"""Test hosts shaped like the LMS and Studio; importing the package sets up the host's Celery app."""
from .celery_app import app as celery_app

__all__ = ["celery_app"]
