"""The customer view's loops and repeated controls as tags, rendered in Python (lookup/rows.py)."""

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
register.simple_tag(rows.glance_programs)
register.simple_tag(rows.points_worth)


@register.simple_tag(takes_context=True)
def reveal(context: template.RequestContext, field: str, form: object) -> str:
    return rows.reveal_control(context["page"], field, form, context.get("csrf_token"))
