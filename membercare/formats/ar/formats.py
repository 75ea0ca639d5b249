"""Arabic numbers as the Gulf's business software writes them (CLDR ar-AE, Latin digits):
1,234.50. Django's Arabic swaps the two separators, which reads as another amount there."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
