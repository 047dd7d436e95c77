"""
What a web address must be for the API to take it: a URI of RFC 3986, as OpenAPI's ``format: uri`` checks it.

Django's ``URLValidator`` also takes addresses that are no URI: letters outside ASCII (``https://vilnius.lt/šventė``),
spaces, ``[``, ``|``, ``{``, a ``%`` not followed by two hex digits. Stored, they came back in answers whose schema
says ``format: uri``, and clients that check the schema refused them. ``validate_uri`` refuses what RFC 3986's grammar
(Appendix A) refuses; it runs beside ``URLValidator``, which still decides which schemes and hosts are web addresses.
"""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT_ENCODED = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT_ENCODED})"
_USERINFO = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT_ENCODED})*"
_REG_NAME = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT_ENCODED})*"
# IPv6 addresses are checked as addresses by URLValidator; here only their characters.
_IP_LITERAL = rf"\[(?:[0-9A-Fa-f:.]+|v[0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+)\]"
_AUTHORITY = rf"(?:{_USERINFO}@)?(?:{_IP_LITERAL}|{_REG_NAME})(?::[0-9]*)?"
_SEGMENT = rf"{_PCHAR}*"
_HIER_PART = (rf"(?://{_AUTHORITY}(?:/{_SEGMENT})*"  # "//" authority path-abempty
              rf"|/(?:{_PCHAR}+(?:/{_SEGMENT})*)?"  # path-absolute
              rf"|{_PCHAR}+(?:/{_SEGMENT})*"  # path-rootless
              r"|)")  # path-empty
_QUERY = rf"(?:{_PCHAR}|[/?])*"
URI = re.compile(rf"[A-Za-z][A-Za-z0-9+\-.]*:{_HIER_PART}(?:\?{_QUERY})?(?:#{_QUERY})?", re.ASCII)

MESSAGE = _("This address has characters a web address cannot hold as they are (letters with accents, spaces or "
            "signs such as [ ] { } |): percent-encode them, as the browser's address bar does when you copy the "
            "address from it.")


def validate_uri(value: str) -> None:
    """Refuse what is not an RFC 3986 URI (``format: uri``); an empty value is left to the field's own rules."""
    if value and not URI.fullmatch(value):
        raise ValidationError(MESSAGE, code="invalid_uri")
