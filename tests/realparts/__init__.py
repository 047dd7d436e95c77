"""Tests on real parts: Celery workers on the Redis broker, MariaDB, the Open edX event bus on Redis Streams."""
