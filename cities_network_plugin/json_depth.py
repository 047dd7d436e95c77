"""
JSON read with a bound on nesting, for text that people and programs send (API bodies, the admin's JSON fields).

Python's ``json`` gives up on deeply nested text with a ``RecursionError`` (about a thousand levels), which is no
``ValueError``: Django REST framework's parser lets it through and the request answers 500. Nothing the plugin reads
is nested more than a few levels (a badge's requirement groups are five), so text nested deeper than ``MAX_DEPTH``
is refused before it is parsed, naming where it is too deep.
"""
from __future__ import annotations

import json
import re

from django.utils.translation import gettext as _

MAX_DEPTH = 32

# A JSON string (with its escapes), or one of the characters that give JSON text its structure.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]', re.DOTALL)


class TooDeepError(ValueError):
    """JSON text nested deeper than allowed; ``path`` says where (``groups[0].requirements[0]``)."""

    def __init__(self, path: list, limit: int):
        self.path = path
        self.limit = limit
        super().__init__(f"nested more than {limit} levels deep at {self.where or 'the top'}")

    @property
    def field(self) -> str:
        """The top-level key the deep part is under ("" when the text is not an object)."""
        return self.path[0] if self.path and isinstance(self.path[0], str) else ""

    def message(self) -> str:
        """The refusal in the words of a person who sent it."""
        return _("This is nested more than %(limit)d levels deep (at %(where)s).") % {
            "limit": self.limit, "where": self.where or _("the top")}

    @property
    def where(self) -> str:
        text = ""
        for step in self.path:
            text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
        return text


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Raise ``TooDeepError`` when ``text`` opens more than ``limit`` arrays and objects inside one another."""
    stack: list[list] = []  # per open container: [is_object, key or index]
    last_string = ""
    for match in _TOKENS.finditer(text):
        part = match.group()
        if part in "[{":
            if len(stack) >= limit:
                raise TooDeepError([entry[1] for entry in stack if entry[1] is not None], limit)
            stack.append([part == "{", None if part == "{" else 0])
        elif part in "]}":
            if stack:
                stack.pop()
        elif part == ":":
            if stack and stack[-1][0]:
                stack[-1][1] = last_string
        elif part == ",":
            if stack and not stack[-1][0]:
                stack[-1][1] += 1
        else:
            try:
                last_string = json.loads(part)
            except ValueError:
                last_string = part[1:-1]


def loads(text: str, limit: int = MAX_DEPTH, **kwargs):
    """``json.loads`` for text nested at most ``limit`` levels deep (``TooDeepError`` otherwise, a ``ValueError``)."""
    check_depth(text, limit)
    return json.loads(text, **kwargs)
