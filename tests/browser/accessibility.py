"""axe-core on the screen a browser test is looking at: WCAG 2.0, 2.1 and 2.2 at levels A and AA,
plus axe's best practices, and a failure on any violation of any impact.

axe-core comes from npm (tests/browser/axe/package.json, pinned exactly; `make test` installs
it) and is added to the page by Playwright (`add_script_tag`), for the test browser only: the app
never serves it. The app's Content Security Policy refuses inline scripts, and must stay on (the
console tests check it), so the tag's URL is on the app's own origin and Playwright answers it
from the file (`page.route`): the request never reaches the app.

    expect_accessible(page, "sign-in")

A screen being rebuilt may pass `known=`, the rule ids axe finds there today: those may fail
inside the regions being rebuilt only (REBUILDING), and a listed rule that passes fails the
check, so such a list only ever shrinks. None is in use: every screen walked passes whole.
"""

import weakref
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

AXE_JS = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__browser-tests__/axe.min.js"  # answered by Playwright, never by the app
_routed: "weakref.WeakSet[Page]" = weakref.WeakSet()
TAGS = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22a",
    "wcag22aa",
    "best-practice",
]

# Where screens being rebuilt live (issue 10 rebuilt these two: the search box, templates/lookup/
# _search.html, and the customer view, templates/lookup/customer.html), for `known=`.
REBUILDING = "#search, #customer-view"

RUN_AXE = """
async ([tags, rebuilding]) => {
  // A panel fading back in after htmx swapped it would read as low contrast: let every finite
  // animation and transition end first (a spinner's infinite one never does).
  const finite = document.getAnimations().filter(
    (animation) => animation.effect && animation.effect.getComputedTiming().endTime !== Infinity
  );
  await Promise.all(finite.map((animation) => animation.finished.catch(() => null)));
  const region = document.querySelector(rebuilding);
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((rule) => ({
    id: rule.id,
    impact: rule.impact,
    help: rule.help,
    nodes: rule.nodes.map((node) => {
      const selector = node.target.join(" ");
      const element = document.querySelector(selector);
      // A page-level rule (one h1, one main) reports on <html>: it is the rebuilt region's when
      // that region is on the page.
      const page = element === document.documentElement;
      return {
        target: selector,
        html: node.html,
        summary: node.failureSummary,
        rebuilding: Boolean(element && (element.closest(rebuilding) || (page && region))),
      };
    }),
  }));
}
"""


@dataclass(frozen=True)
class Node:
    target: str
    html: str
    summary: str
    rebuilding: bool  # inside a screen issue 10 is rebuilding (REBUILDING)


@dataclass(frozen=True)
class Violation:
    id: str
    impact: str
    help: str
    nodes: tuple[Node, ...]

    def describe(self, nodes: Collection[Node] | None = None) -> str:
        lines = [f"{self.id} ({self.impact}): {self.help}"]
        for node in nodes if nodes is not None else self.nodes:
            snippet = " ".join(node.html.split())
            snippet = snippet if len(snippet) <= 160 else snippet[:157] + "..."
            lines.append(f"  at {node.target}: {snippet}")
            fix = " ".join(node.summary.split())
            if fix:
                lines.append(f"    {fix[:300]}")
        return "\n".join(lines)


def axe_violations(page: Page, *, in_flight: bool = False) -> list[Violation]:
    """What axe-core finds on the page as it is now, with the TAGS rules: once no htmx request is
    in flight (unless the screen is one in flight) and transitions have ended."""
    if not AXE_JS.is_file():
        pytest.fail("axe-core is not installed: run `make test`, which installs it")
    if page not in _routed:
        page.route(f"**{AXE_PATH}", lambda route: route.fulfill(path=AXE_JS))
        _routed.add(page)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        page.add_script_tag(url=origin + AXE_PATH)
    if not in_flight:
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE, [TAGS, REBUILDING])
    return [
        Violation(
            id=rule["id"],
            impact=rule["impact"] or "",
            help=rule["help"],
            nodes=tuple(Node(**node) for node in rule["nodes"]),
        )
        for rule in found
    ]


def expect_accessible(
    page: Page, screen: str, *, known: Collection[str] = (), in_flight: bool = False
) -> None:
    """Fail on any axe-core violation on this screen. `known`: rule ids allowed to fail, inside
    the regions being rebuilt only (REBUILDING); each must still fail there, or the check fails
    asking for it to be taken off the list."""
    violations = axe_violations(page, in_flight=in_flight)
    unexpected: list[str] = []
    tolerated: set[str] = set()
    for violation in violations:
        outside = [n for n in violation.nodes if not (n.rebuilding and violation.id in known)]
        if outside:
            unexpected.append(violation.describe(outside))
        if len(outside) < len(violation.nodes):
            tolerated.add(violation.id)
    cleared = sorted(set(known) - tolerated)
    problems = []
    if unexpected:
        problems.append(f"axe-core: {len(unexpected)} violated rule(s) on {screen} ({page.url})")
        problems.extend(unexpected)
    if cleared:
        problems.append(
            f"axe-core: known rule(s) {', '.join(cleared)} pass now on {screen}: "
            "take them off its allowlist"
        )
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
