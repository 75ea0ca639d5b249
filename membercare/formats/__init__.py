"""Date and number formats per language, over Django's own (FORMAT_MODULE_PATH).

English: Django's is American (12/03/2026, 3 p.m.); membercare's agents read "3 Dec 2026, 14:05".
Arabic and Chinese: numbers grouped as CLDR has them (1,234.50). Everything else is Django's.
"""
