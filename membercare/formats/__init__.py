"""Date and number formats per language, over Django's own (FORMAT_MODULE_PATH).

Only English is changed: Django's is American (12/03/2026, 3 p.m.); membercare's agents read
"3 Dec 2026, 14:05". Arabic, Chinese and Indonesian keep Django's formats for them.
"""
