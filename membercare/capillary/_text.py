"""Words agents read, in their language once the dashboard says how (the client knows no Django).

Messages are written in English and marked with `gettext_noop`, which Django's `makemessages`
finds by name, so they land in the dashboard's catalogs. They are translated when read, not when
an error is made: errors are cached and shared between agents of different languages. The
dashboard installs Django's `gettext` at start-up (`use_translation`, in apps.py); until then, and
in the client used alone, they stay English.
"""

from collections.abc import Callable
from typing import Any, overload


def _english(message: str) -> str:
    return message


_translate: Callable[[str], str] = _english


def use_translation(translate: Callable[[str], str]) -> None:
    global _translate  # one process-wide hook, set once by the app
    _translate = translate


def gettext_noop(message: str) -> str:
    """Marks `message` for the catalogs (`makemessages` knows this name); returns it unchanged."""
    return message


def translated(message: str, params: dict[str, Any] | None = None) -> str:
    """`message` in the active language, with its `%(name)s` placeholders filled from `params`."""
    text = _translate(message)
    return text % params if params else text


class Words:
    """A class attribute that reads in the active language: `title = Words(gettext_noop("..."))`."""

    __slots__ = ("msgid",)

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    @overload
    def __get__(self, obj: None, owner: type) -> str: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> str: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> str:
        return _translate(self.msgid)
