"""
A small fixed-window rate limit on Django's cache, for public forms and claim codes.

Keys are hashed client addresses (or account ids), so no address is stored in clear. A cache shared by all
processes (the platform's memcached or Redis) makes the limit hold across workers.

The client's address is taken as the platform takes it for its own rate limits, never from the raw
``X-Forwarded-For``: anything a client writes at the left of that header would otherwise reset its count.
"""
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from edx_django_utils.ip import get_safest_client_ip

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
UNKNOWN_ADDRESS = "unknown"


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/h"`` → (5, 3600); ``"10/15m"`` → (10, 900)."""
    match = _RATE.match(rate or "")
    if not match:
        raise ImproperlyConfigured(f"Rate {rate!r} is not of the form '5/h' or '10/15m'.")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _SECONDS[unit]


def client_address(request) -> str:
    """
    The client's address for rate limits: the rightmost address of the request's external chain, as the
    platform's own limits take it (edx-platform ``openedx/core/djangoapps/util/ratelimit.py``, ``real_ip``, calls
    ``edx_django_utils.ip.get_safest_client_ip``). Behind the platform's proxy that is the address the proxy
    appended, not what the client wrote; behind a CDN, the header the operator names in the platform's
    ``CLOSEST_CLIENT_IP_FROM_HEADERS`` setting. Inside the LMS, ``XForwardedForMiddleware``
    (``openedx/core/lib/x_forwarded_for/middleware.py``) has computed the chain before it rewrites ``REMOTE_ADDR``,
    and this reads that result.

    A request with neither (no ``REMOTE_ADDR``, which every WSGI server sets, and no chain computed from it) counts
    as ``UNKNOWN_ADDRESS``, one client shared by all such requests: ``get_safest_client_ip`` would raise ``KeyError``
    (edx-django-utils ``edx_django_utils/ip/internal/ip.py``, ``get_raw_ip_chain`` reads ``META['REMOTE_ADDR']``),
    and an ``X-Forwarded-For`` without it is only what the client wrote.
    """
    if "CLIENT_IPS" not in request.META and "REMOTE_ADDR" not in request.META:
        return UNKNOWN_ADDRESS
    return get_safest_client_ip(request)


def is_limited(request, scope: str, rate: str, key: str | None = None) -> bool:
    """
    Count this request against ``scope`` and say whether the client is over ``rate``. ``key`` replaces the
    client address (e.g. a user id, for limits per account).
    """
    limit, period = parse_rate(rate)
    digest = hashlib.sha256((key or f"ip:{client_address(request)}").encode()).hexdigest()[:32]
    key = f"cities_network:rl:{scope}:{digest}"
    if cache.add(key, 1, timeout=period):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=period)
        return False
    return count > limit


def is_limited_per_account_and_address(request, scope: str, account_rate: str, address_rate: str) -> bool:
    """
    Count the request once for the signed-in account and once for the client's address; over either limit is
    over. Both are counted every time, so that a request refused by one still uses up the other.
    """
    by_account = is_limited(request, scope, account_rate, key=f"user:{request.user.pk}")
    by_address = is_limited(request, f"{scope}-address", address_rate)
    return by_account or by_address


def claim_limited(request) -> bool:
    """
    One budget for every look at a claim code by a signed-in learner: opening a claim link (which says whether
    the code is known), confirming it, and claiming through the API.
    """
    return is_limited_per_account_and_address(request, "claim", settings.CITIES_NETWORK_CLAIM_RATE_LIMIT,
                                              settings.CITIES_NETWORK_CLAIM_ADDRESS_RATE_LIMIT)
