"""English as membercare writes it: day month year, 24-hour times."""

DATE_FORMAT = "j M Y"  # 3 Dec 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j M Y, H:i"  # 3 Dec 2026, 14:05
MONTH_DAY_FORMAT = "j M"  # 3 Dec
YEAR_MONTH_FORMAT = "M Y"  # Dec 2026
SHORT_DATE_FORMAT = "Y-m-d"  # 2026-12-03
SHORT_DATETIME_FORMAT = "Y-m-d H:i"  # 2026-12-03 14:05
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
