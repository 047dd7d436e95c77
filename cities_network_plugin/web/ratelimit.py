"""
A small fixed-window rate limit on Django's cache, for public forms.

Keys are hashed client addresses, so no address is stored in clear. A cache shared by all processes (the
platform's memcached or Redis) makes the limit hold across workers.
"""
import hashlib
import re

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/h"`` → (5, 3600); ``"10/15m"`` → (10, 900)."""
    match = _RATE.match(rate or "")
    if not match:
        raise ImproperlyConfigured(f"Rate {rate!r} is not of the form '5/h' or '10/15m'.")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _SECONDS[unit]


def client_address(request) -> str:
    """The client's address as the platform sees it (behind its proxy, the first forwarded address)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")


def is_limited(request, scope: str, rate: str, key: str | None = None) -> bool:
    """
    Count this request against ``scope`` and say whether the client is over ``rate``. ``key`` replaces the
    client address (e.g. a user id, for limits per account).
    """
    limit, period = parse_rate(rate)
    digest = hashlib.sha256((key or client_address(request)).encode()).hexdigest()[:32]
    key = f"cities_network:rl:{scope}:{digest}"
    if cache.add(key, 1, timeout=period):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=period)
        return False
    return count > limit
