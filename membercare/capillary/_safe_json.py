"""Reading an answer's JSON so that nothing in it can crash, hang or bloat what comes after.

A hostile or broken upstream can send JSON that parses but hurts later: nesting 100,000 levels deep
(json.loads recurses in C: a RecursionError, or a crash on a thread with a small stack), strings
with lone surrogates such as "\\ud800" (valid JSON escapes, but not text: encoding the page fails),
or a field of megabytes that ends up on every page. `loads` refuses the first and repairs the other
two, so the readers in `types.py` only ever see sane text. A real answer nests about 10 levels.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

MAX_DEPTH: Final = 64
# The longest string kept whole. What is legitimately long in the contract (program and tier
# descriptions, coupon descriptions, notes, fraud reasons, custom field values) is a paragraph;
# anything longer is cut to this many characters, ending with the marker.
MAX_TEXT: Final = 2000
CUT_MARKER: Final = "…"

# A JSON string, escapes included. Possessive (`*+`), and a string left open (truncated, hostile)
# runs to the end of the text: one pass, never tried again from every quote inside it.
_STRING = re.compile(r'"[^"\\]*+(?:\\[\s\S]?[^"\\]*+)*+(?:"|\Z)')
_BRACKET = re.compile(r"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class NestedTooDeeply(ValueError):
    """The JSON nests deeper than MAX_DEPTH."""


def loads(body: bytes) -> Any:
    """The JSON value of an answer's body, with every string made safe to show.

    Raises ValueError when the body is not JSON, and NestedTooDeeply (a ValueError) when it nests
    deeper than MAX_DEPTH. Bytes that are not UTF-8 become U+FFFD, as do lone surrogates.
    """
    text = body.decode("utf-8-sig", errors="replace")  # JSON is UTF-8 (RFC 8259 §8.1)
    if _nested_deeper_than(MAX_DEPTH, text):
        raise NestedTooDeeply(f"The JSON nests deeper than {MAX_DEPTH} levels.")
    try:
        value = json.loads(text)
    except RecursionError as error:  # cannot happen after the check above; kept as a guard
        raise NestedTooDeeply("The JSON nests too deeply.") from error
    return _cleaned(value) if _may_need_cleaning(text) else value


def _may_need_cleaning(text: str) -> bool:
    """Whether the JSON text could hold a lone surrogate or a string longer than MAX_TEXT.

    Two scans at C speed, instead of walking every value of every answer: a lone surrogate can only
    come from a \\uD800-\\uDFFF escape (decoding made any raw one U+FFFD), and a string is never
    longer than the text between two quotes. Either one seen, even harmlessly (a valid surrogate
    pair, a long run of numbers), and the whole value is walked.
    """
    return bool(_SURROGATE_ESCAPE.search(text)) or max(map(len, text.split('"'))) > MAX_TEXT


def _nested_deeper_than(limit: int, text: str) -> bool:
    """Whether the brackets outside strings nest deeper than `limit`, without recursion."""
    if text.count("[") + text.count("{") <= limit:
        return False  # the common small case: not enough brackets to be that deep
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def safe_text(value: str) -> str:
    """`value` with lone surrogates replaced by U+FFFD and cut to MAX_TEXT characters."""
    if not value.isascii():
        value = _SURROGATE.sub("\ufffd", value)
    if len(value) > MAX_TEXT:
        value = value[: MAX_TEXT - len(CUT_MARKER)] + CUT_MARKER
    return value


def _cleaned(value: Any) -> Any:
    """`value` with every string value (in objects and arrays, at any depth) made safe, in place.

    Keys are left alone: they are only looked up, never shown. Iterative, like the depth check.
    """
    if isinstance(value, str):
        return safe_text(value)
    pending = [value] if isinstance(value, dict | list) else []
    while pending:
        node = pending.pop()
        # Replacing the value of a key while iterating is fine: the dict does not change size.
        for key, item in node.items() if isinstance(node, dict) else enumerate(node):
            if isinstance(item, str):
                if len(item) > MAX_TEXT or not item.isascii():
                    node[key] = safe_text(item)
            elif isinstance(item, dict | list):
                pending.append(item)
    return value
