"""Tolerant readers for Capillary's loosely typed JSON (CONTRACT.md section 2, "What the client must
survive"): numbers as numbers or strings, booleans as "true"/"false", empty scalars as `[]`, `""` or
`null`, collections as a bare list, a single object, or wrapped in `{"<name>": [...]}`.

Every reader returns None (or an empty value) for anything it cannot read; none of them raises.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

type Number = int | Decimal
type JSONMapping = Mapping[str, Any]

_EMPTY_MAPPING: JSONMapping = {}


def is_blank(value: Any) -> bool:
    """Capillary's ways of saying "nothing": null, "", [], {}, and lists of those (`[[]]`)."""
    if value is None or value == "" or value == {}:
        return True
    if isinstance(value, list):
        return all(is_blank(element) for element in value)
    return False


def mapping(value: Any) -> JSONMapping:
    return value if isinstance(value, Mapping) else _EMPTY_MAPPING


def first(data: JSONMapping, *keys: str) -> Any:
    """The value of the first key present and not blank (fields renamed across API versions)."""
    for key in keys:
        value = data.get(key)
        if not is_blank(value):
            return value
    return None


def text(value: Any) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return None  # blank, or a list/object where a scalar belongs


# No points balance or amount has 30 digits; "1e999999999" is a short string whose int() would
# take hours (`number` turns integral values into ints).
_MAX_EXPONENT = 30


def decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(str(value))  # via str: 0.1 stays 0.1, not its binary expansion
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    if not result.is_finite() or abs(result.adjusted()) > _MAX_EXPONENT:
        return None
    return result


def number(value: Any) -> Number | None:
    """An int when the value is integral ("2600", 2600.0, "15.000"), else a Decimal."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    result = decimal(value)
    if result is None:
        return None
    return int(result) if result == result.to_integral_value() else result


def integer(value: Any) -> int | None:
    result = number(value)
    return result if isinstance(result, int) else None


_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


def boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _BOOLEANS.get(value) if value in _BOOLEANS else _BOOLEANS.get(value.strip().lower())
    if isinstance(value, int):
        return _BOOLEANS.get(str(value))
    return None


def timestamp(value: Any, *, end_of_day: bool = False) -> dt.datetime | None:
    """ "YYYY-MM-DD HH:MM:SS" (org time, naive), "YYYY-MM-DD", or ISO 8601 with an offset.

    A date alone is midnight, or with `end_of_day` 23:59:59: Capillary writes validity ends as
    "2018-03-24 23:59:59", so a bare "2009-10-01" means "valid through that day".

    A trailing "Z" is not UTC: `customer/coupons` writes coupon 370179951's issue as
    "2021-05-17T19:06:03.000Z" where `customer/get` writes "2021-05-17 19:06:03" (the real
    samples), so it is read as the org's wall-clock time, like every other zoneless date.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value[-1:] in ("Z", "z"):
        value = value[:-1]
    try:
        result = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if end_of_day and len(value) == 10:
        result = result.replace(hour=23, minute=59, second=59)
    return result


def listing(value: Any, *keys: str) -> list[JSONMapping] | None:
    """A collection as a list of objects, or None when the section is absent.

    Accepts a bare list, `{"<key>": [...]}` or `{"<key>": {...}}` for any of `keys`, or a single
    object. Blank elements (`[]` inside `[[]]`) and non-objects are skipped; a blank section is an
    empty list (present, but nothing in it).
    """
    if value is None:
        return None
    if isinstance(value, Mapping):
        for key in keys:
            if key in value:
                return listing(value[key]) or []
        return [] if is_blank(value) else [value]
    if isinstance(value, list):
        return [element for element in value if isinstance(element, Mapping) and element]
    return []


def int_groups(value: Any) -> tuple[tuple[int, ...], ...] | None:
    """`expression_relation` such as `[[1, 2], [3]]`, given as JSON or as a string of JSON."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, list):
        return None
    groups = []
    for group in value:
        members = group if isinstance(group, list) else [group]
        numbers = tuple(n for n in (integer(member) for member in members) if n is not None)
        groups.append(numbers)
    return tuple(groups)
