"""The customer view's loops as tags: each renders its rows in Python (membercare/lookup/rows.py)."""

from django import template

from membercare.lookup import rows

register = template.Library()

register.simple_tag(rows.chart_bars)
register.simple_tag(rows.expiry_rows)
register.simple_tag(rows.expired_rows)
register.simple_tag(rows.coupon_rows)
register.simple_tag(rows.transaction_rows)
register.simple_tag(rows.upgrade_bar)
register.simple_tag(rows.renewal_bar)
