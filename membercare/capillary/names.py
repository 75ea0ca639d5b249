"""Members' names as people of their script write them.

Chinese, Japanese and Korean names are written family name first, without a space (王小明, not
小明 王); other scripts' given name first, with one. Capillary keeps the two parts apart
(`firstname`, `lastname`) and says nothing of order, so the order follows from the script.
"""

import re
import unicodedata

# Han (with its extensions and compatibility ideographs), kana and Hangul.
_CJK = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
    "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
    "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]"
)


def is_cjk(char: str) -> bool:
    """True for a Chinese, Japanese or Korean character (Han, kana, Hangul)."""
    return bool(char) and _CJK.match(char) is not None


def is_rtl(char: str) -> bool:
    """True for a character of a right-to-left script (Arabic, Hebrew, ...)."""
    return bool(char) and unicodedata.bidirectional(char[0]) in ("R", "AL")


def family_first(firstname: str, lastname: str) -> bool:
    """Whether the name is written family name first: every part given starts in CJK script."""
    parts = [part.strip() for part in (firstname, lastname) if part and part.strip()]
    return bool(parts) and all(is_cjk(part[0]) for part in parts)


def full_name(firstname: str, lastname: str) -> str:
    """王 + 小明 is 王小明; Ada + Lovelace is "Ada Lovelace"; either part may be empty."""
    first, last = (firstname or "").strip(), (lastname or "").strip()
    if family_first(first, last):
        return last + first
    return " ".join(part for part in (first, last) if part)
