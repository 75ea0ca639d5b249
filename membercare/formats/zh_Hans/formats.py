"""Simplified Chinese numbers as CLDR writes them: 1,234.50 (Django's has no grouping mark)."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
