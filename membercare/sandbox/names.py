"""Name pools for generated members: one region per script, with its phone code and stores."""

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Name:
    first: str
    last: str
    roman: str  # "first.last" in Latin letters, for the e-mail address
    gender: str


@dataclass(frozen=True)
class Region:
    """A name script with the country code and stores that go with it."""

    script: str
    country_code: str
    mobile_prefix: str  # after the country code; never the first digits of a demo mobile
    mobile_length: int  # digits with the country code, as the country's mobiles have
    store_ids: tuple[int, ...]
    language: str
    first_names: tuple[tuple[str, str, str], ...]  # (name, romanized, gender)
    last_names: tuple[tuple[str, str], ...]  # (name, romanized)


def _firsts(spec: str) -> tuple[tuple[str, str, str], ...]:
    """Parse `name/roman/M name/roman/F ...`: one string per pool keeps the pools readable."""
    gender = {"M": "Male", "F": "Female"}
    return tuple(
        (name, roman, gender[g]) for name, roman, g in (item.split("/") for item in spec.split())
    )


def _lasts(spec: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, roman) for name, roman in (item.split("/") for item in spec.split()))


LATIN: Final = Region(
    "latin",
    "91",
    "7",
    12,
    (1, 2, 3, 4, 11),
    "en",
    _firsts(
        "Aarav/aarav/M Vivaan/vivaan/M Aditya/aditya/M Ishaan/ishaan/M Kabir/kabir/M "
        "Emma/emma/F Olivia/olivia/F Saanvi/saanvi/F Anika/anika/F Kavya/kavya/F "
        "James/james/M Sophia/sophia/F"
    ),
    _lasts(
        "Sharma/sharma Patel/patel Reddy/reddy Fernandes/fernandes Krishnan/krishnan "
        "Smith/smith Banerjee/banerjee Chopra/chopra"
    ),
)
INDONESIAN: Final = Region(
    "indonesian",
    "62",
    "8",
    13,
    (9, 10, 11),
    "id",
    _firsts(
        "Budi/budi/M Agus/agus/M Eko/eko/M Siti/siti/F Dewi/dewi/F Putri/putri/F "
        "Rizky/rizky/M Ayu/ayu/F"
    ),
    _lasts(
        "Santoso/santoso Wijaya/wijaya Saputra/saputra Kusuma/kusuma Hidayat/hidayat "
        "Pratama/pratama"
    ),
)
ARABIC: Final = Region(
    "arabic",
    "971",
    "55",
    12,
    (5, 6, 11),
    "ar",
    _firsts(
        "محمد/mohammed/M أحمد/ahmed/M خالد/khaled/M عمر/omar/M فاطمة/fatima/F مريم/maryam/F "
        "نورة/noura/F ليلى/layla/F"
    ),
    _lasts(
        "الهاشمي/alhashimi المنصوري/almansoori الشامسي/alshamsi النعيمي/alnuaimi "
        "الكعبي/alkaabi الظاهري/aldhaheri"
    ),
)
CHINESE: Final = Region(
    "chinese",
    "86",
    "139",
    13,
    (7, 8, 11),
    "zh",
    _firsts("伟/wei/M 强/qiang/M 磊/lei/M 军/jun/M 芳/fang/F 娜/na/F 敏/min/F 静/jing/F"),
    _lasts("王/wang 李/li 张/zhang 刘/liu 陈/chen 杨/yang"),
)
REGIONS: Final = (LATIN, INDONESIAN, ARABIC, CHINESE)
