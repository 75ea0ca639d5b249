"""The customer view's repeated parts, written out in Python: the chart's bars, the tier bars and
their what-if, coupon, transaction and expiry rows, the at-a-glance line, the points' worth and
the reveal control beside each masked field.

A view holds a few hundred of these cells, and Django's template engine spends several µs on each
variable, tag and translated phrase: as template loops they were about a third of the view's
render (docs/benchmarks.md, "CPU per search"). Here each is an f-string or two. They produce what
the templates they replace produced, in the same words: every phrase is the template's msgid, so
the catalogs translate it as before (`{% blocktranslate %}` is `gettext(msgid) % escaped values`).
Every value is escaped here (`_text`, `_phrase`); only our own markup and the catalogs' phrases
are not.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.template.defaultfilters import capfirst
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from membercare.lookup import code_words, tier_words
from membercare.lookup.templatetags.lookup import amount, money, ratio, revealed_words
from membercare.lookup.templatetags.lookup import reveal_control as reveal_words


def chart_bars(chart: Sequence[Any]) -> SafeString:
    """The expiry chart's twelve months: a bar, its value above it, the month below."""
    bars = []
    for index, bar in enumerate(chart):
        title = _phrase(
            gettext("%(month)s: %(points)s points"), month=bar.label, points=amount(bar.points)
        )
        value = ""
        if bar.points:
            points = _text(amount(bar.points))
            value = f'<text x="{bar.center}" y="{bar.value_y}" class="value">{points}</text>'
        bars.append(
            f"<g><title>{title}</title>"
            f'<rect x="{bar.x}" y="{bar.y}" width="32" height="{bar.height}"'
            f' class="{"now" if index == 0 else ""}"></rect>{value}'
            f'<text x="{bar.center}" y="151" class="label">{_text(bar.label)}</text></g>'
        )
    return _safe("\n".join(bars))


def expiry_rows(lots: Iterable[Any], next_expiry: Any) -> SafeString:
    """The expiry schedule, the next lot to expire highlighted."""
    return _safe(
        "\n".join(
            f"<tr{' class="highlight"' if row.lot == next_expiry else ''}>"
            f"<td>{_date(row.lot.expiry_date)}</td><td>{_text(amount(row.lot.points))}</td>"
            f"<td>{_text(row.program or '–')}</td></tr>"
            for row in lots
        )
    )


def expired_rows(lots: Iterable[tuple[Any, str]]) -> SafeString:
    return _safe(
        "\n".join(
            f"<tr><td>{_date(lot.expired_on)}</td><td>{_text(amount(lot.points))}</td>"
            f"<td>{_text(program or '–')}</td></tr>"
            for lot, program in lots
        )
    )


def coupon_rows(coupons: Iterable[Any]) -> SafeString:
    return _safe(
        "\n".join(
            f'<tr><td class="mono">{_text(coupon.code)}</td>'
            f'<td><bdi dir="auto">{_text(coupon.description)}</bdi></td>'
            f"<td>{_date(coupon.issued_on)}</td><td>{_date(coupon.valid_till)}</td>"
            f'<td><span class="badge coupon-{_text(str(coupon.status.value).lower())}">'
            f"{_text(coupon.status.label)}</span></td></tr>"
            for coupon in coupons
        )
    )


def transaction_rows(transactions: Iterable[Any], search: Any) -> SafeString:
    """The bills, with the tenders and credit-note columns when the search asked for them."""
    return _safe("\n".join(_transaction_row(txn, search) for txn in transactions))


def _transaction_row(txn: Any, search: Any) -> str:
    till = f' <small class="mono till">{_text(txn.till_code)}</small>' if txn.till_code else ""
    discount = ""
    if txn.discount:
        gross = _phrase(
            gettext("gross %(gross)s, discount %(discount)s"),
            gross=amount(txn.gross_amount),
            discount=amount(txn.discount),
        )
        discount = f" <small>{gross}</small>"
    points = _phrase(
        gettext("%(issued)s issued · %(redeemed)s redeemed"),
        issued=amount(txn.points_issued or 0),
        redeemed=amount(txn.points_redeemed or 0),
    )
    why = (
        f' <small class="why" dir="auto">{_text(txn.no_points_reason)}</small>'
        if txn.no_points_reason
        else ""
    )
    cells = [
        f'<td class="nowrap">{_date(txn.created_date, "DATETIME_FORMAT")}</td>',
        f'<td class="mono nowrap">{_text(txn.number)}</td>',
        f"<td>{_text(code_words.code_words(txn.type))}</td>",
        f"<td>{_text(txn.store or txn.store_code)}{till}</td>",
        f'<td class="num">{_text(amount(txn.amount))}{discount}</td>',
        f'<td class="points">{points}{why}</td>',
    ]
    if search.tenders:
        tenders = ", ".join(
            f"{_text(code_words.code_words(tender.mode))} {_text(amount(tender.value))}"
            for tender in txn.tenders
        )
        cells.append(f"<td>{tenders or '–'}</td>")
    if search.credit_notes:
        notes = ", ".join(
            f'<span class="mono">{_text(note.number)}</span> {_text(amount(note.amount))}'
            for note in txn.credit_notes
        )
        cells.append(f"<td>{notes or '–'}</td>")
    return f"<tr>{''.join(cells)}</tr>"


def upgrade_bar(strategy: Any, later: Any, *, tier: str, days: int | None) -> SafeString:
    """One upgrade criterion's progress to the next tier, and the what-if's bar beside it."""
    tracker = strategy.tracker
    if tracker and tracker.name:
        name = tracker.name
    else:
        name = capfirst(tier_words.strategy_name(strategy.based_on or ""))
    label = _phrase(
        gettext("%(percent)s%% of the way to %(tier)s"), percent=strategy.percent, tier=tier
    )
    foot = [f'<span class="percent">{strategy.percent}%</span>']
    if strategy.valid_until:
        until = _phrase(
            gettext("counts until %(on)s"), on=date_filter(strategy.valid_until, "DATE_FORMAT")
        )
        foot.append(f"<span>{until}</span>")
    if tracker:
        period = (
            f", {_text(tracker.period_value)} {_text(str(tracker.period_type).lower())}"
            if tracker.period_value
            else ""
        )
        foot.append(f"<span>{_text(code_words.code_words(tracker.mode))}{period}</span>")
    return _bar(
        "bar", name, label, strategy, f'<div class="bar-foot">{" ".join(foot)}</div>', later, days
    )


def renewal_bar(strategy: Any, later: Any, *, days: int | None) -> SafeString:
    """One renewal criterion's progress to keeping the tier, and the what-if's bar beside it."""
    name = capfirst(tier_words.strategy_name(strategy.based_on or ""))
    label = _phrase(gettext("%(percent)s%% of renewal"), percent=strategy.percent)
    return _bar("bar renew", name, label, strategy, "", later, days)


def _bar(
    classes: str, name: str, label: str, strategy: Any, foot: str, later: Any, days: int | None
) -> SafeString:
    """A criterion's name, how far it is, its progress bar, `foot`, and the what-if beside it."""
    return _safe(
        f'<div class="{classes}"><div class="bar-label"><span>{_text(name)}</span>'
        f"<span>{_progress_words(strategy)}</span></div>"
        f'<progress max="100" value="{strategy.percent}" aria-label="{label}">'
        f"{strategy.percent}%</progress>{foot}{_later(later, days)}</div>"
    )


def _progress_words(strategy: Any) -> str:
    return _phrase(
        gettext("<strong>%(value)s</strong> of %(threshold)s · %(gap)s to go"),
        value=amount(strategy.current_value),
        threshold=amount(strategy.threshold),
        gap=amount(strategy.gap),
    )


def _later(later: Any, days: int | None) -> str:
    """The same criterion `days` from now, from the what-if (nothing when none was asked)."""
    if not later:
        return ""
    count = days or 0
    if not later.moves:
        same = _phrase(
            ngettext(
                "In %(days)s day: the same, %(gap)s to go.",
                "In %(days)s days: the same, %(gap)s to go.",
                count,
            ),
            days=days,
            gap=amount(later.gap),
        )
        return f'<p class="what-if-same">{same}</p>'
    when = _phrase(ngettext("In %(days)s day", "In %(days)s days", count), days=days)
    words = _phrase(
        gettext("<strong>%(value)s</strong> · %(gap)s to go"),
        value=amount(later.current_value),
        gap=amount(later.gap),
    )
    label = _phrase(
        ngettext("%(percent)s%% in %(days)s day", "%(percent)s%% in %(days)s days", count),
        percent=later.percent,
        days=days,
    )
    reason = _phrase(gettext("%(reason)s."), reason=later.reason)
    return (
        f'<div class="bar-label later"><span>{when}</span><span>{words}</span></div>'
        f'<progress class="later" max="100" value="{later.percent}" aria-label="{label}">'
        f'{later.percent}%</progress><p class="what-if-reason">{reason}</p>'
    )


def _phrase(phrase: str, **values: Any) -> str:
    """`{% blocktranslate %}`: a phrase the catalog translated (gettext is called where the phrase
    is written, for makemessages to find it), with its values escaped into it."""
    return phrase % {name: conditional_escape(value) for name, value in values.items()}


def _date(value: Any, format_name: str = "DATE_FORMAT") -> str:
    """`{{ value|date:"DATE_FORMAT" }}`: in the current time zone and language."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)  # as the template's `date` filter shows it
    return _text(date_filter(value, format_name))


def _text(value: Any) -> str:
    """`{{ value }}`: escaped unless already safe."""
    return str(conditional_escape(value))


def _safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308 - every value in it went through _text or _phrase


def reveal_control(page: Any, field: str, form: Any, csrf_token: Any) -> SafeString:
    """A masked field's reveal (after a reason, logged), or the badge once it is revealed; nothing
    for a viewer who may not reveal. One beside each of a profile's six masked fields.

    Each control names its field ("Reveal email"); focus comes back to the badge or the refused
    reason (data-focus-key, static/js/focus.js), and the status region says "Email revealed".
    `csrf_token` is the page's own, as `{% csrf_token %}` gives it: the same masked token for every
    form of one answer (each `get_token` would mask it anew, 32 random characters, six times).
    """
    key = f"reveal-{_text(field)}"
    if field in page.record.revealed:
        title = _text(gettext("Revealed for this view; the reveal is logged"))
        return _safe(
            f'<span class="badge revealed" title="{title}"'
            f' tabindex="-1" data-focus-key="{key}" data-announce="{_text(revealed_words(field))}">'
            f"{_text(gettext('revealed'))}</span>"
        )
    if not page.shows.reveal:
        return _safe("")
    action, control, reason = _text(page.urls["reveal"]), _text(reveal_words(field)), form["reason"]
    return _safe(
        f'<details class="reveal" data-focus-key="{key}"{" open" if form.errors else ""}>'
        f'<summary aria-label="{control}">{_text(gettext("Reveal"))}</summary>'
        f'<form method="post" action="{action}" hx-post="{action}">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{_text(csrf_token)}">'
        f'<input type="hidden" name="field" value="{_text(field)}">'
        f'<label for="{_text(reason.id_for_label)}">{_text(reason.label)}</label> {reason}'
        f'<button type="submit" class="secondary" aria-label="{control}">{_text(gettext("Reveal"))}'
        "</button></form></details>"
    )


def glance_programs(
    programs: Iterable[Any], *, tiers: bool, points: bool, schedule: Any
) -> SafeString:
    """The header's at-a-glance line per program: its name, tier, balance and next expiry, as far
    as the viewer may see them (`schedule`: the expiry schedule, None when Capillary sent none)."""
    items = []
    for program in programs:
        summary = program.summary
        parts = [
            f'<strong class="glance-name"><bdi dir="auto">'
            f"{_text(summary.title or gettext('Program'))}</bdi></strong>"
        ]
        if tiers:
            tier = _text(summary.current_tier or gettext("No tier"))
            parts.append(f'<span class="chip glance-tier"><bdi dir="auto">{tier}</bdi></span>')
        if points:
            balance = _phrase(
                gettext('<bdi dir="ltr">%(balance)s</bdi> points'),
                balance=amount(summary.loyalty_points),
            )
            parts.append(f'<span class="glance-balance">{balance}</span>')
            lot = program.next_expiry
            if lot:
                days = program.days_left
                expiry = _phrase(
                    ngettext(
                        'Next expiry: <bdi dir="ltr">%(points)s</bdi> points on %(on)s, '
                        "in %(days)s day",
                        'Next expiry: <bdi dir="ltr">%(points)s</bdi> points on %(on)s, '
                        "in %(days)s days",
                        days or 0,
                    ),
                    points=amount(lot.points),
                    on=date_filter(lot.expiry_date, "DATE_FORMAT"),
                    days=days,
                )
                parts.append(f'<span class="glance-expiry">{expiry}</span>')
            elif schedule is not None:
                nothing = _text(gettext("Nothing due to expire"))
                parts.append(f'<span class="glance-expiry muted">{nothing}</span>')
        items.append(f'<li class="glance-program">{" ".join(parts)}</li>')
    return _safe("\n".join(items))


def points_worth(programs: Iterable[Any]) -> SafeString:
    """Each program's balance and what it is worth, what can be redeemed, and whether it adds up."""
    return _safe("\n".join(_worth(program) for program in programs))


def _worth(program: Any) -> str:
    summary, currency = program.summary, program.currency
    points = amount(summary.loyalty_points)
    if summary.balance_worth is not None:
        balance = _phrase(
            gettext(
                '<strong>%(points)s points</strong> worth <strong class="money">%(worth)s</strong>'
            ),
            points=points,
            worth=money(summary.balance_worth, currency),
        )
    else:
        balance = _phrase(gettext("<strong>%(points)s points</strong>"), points=points)
    if summary.points_to_currency_ratio is None:
        rate = _text(gettext("No points-to-currency ratio from Capillary"))
    elif currency:
        rate = _phrase(
            gettext("1 point = %(ratio)s"), ratio=ratio(summary.points_to_currency_ratio, currency)
        )
    else:
        rate = _phrase(
            gettext("1 point = %(ratio)s in the program's currency"),
            ratio=ratio(summary.points_to_currency_ratio, currency),
        )
    available = amount(summary.total_available_points)
    if summary.available_worth is not None:
        redeemable = _phrase(
            gettext("%(available)s available for redemption (%(worth)s)"),
            available=available,
            worth=money(summary.available_worth, currency),
        )
    else:
        redeemable = _phrase(gettext("%(available)s available for redemption"), available=available)
    facts = [rate, redeemable]
    if summary.delayed_points:
        facts.append(_phrase(gettext("%(points)s pending"), points=amount(summary.delayed_points)))
    check = summary.reconciliation
    reconcile = ""
    if check and check.adds_up:
        reconcile = f'<p class="reconcile ok">✓ {_text(check.words)}</p>'
    elif check:
        reconcile = f'<p class="reconcile bad" role="alert">⚠ {_text(check.words)}</p>'
    return (
        f"<li><h3>{_text(summary.title or gettext('Program'))}</h3>"
        f'<p class="balance">{balance}</p><p class="muted">{" · ".join(facts)}</p>{reconcile}</li>'
    )
