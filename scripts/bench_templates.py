"""Two template trees side by side: the same htmx search's answer rendered by each, alternated.

    .venv/bin/python scripts/bench_templates.py BEFORE/templates [AFTER/templates] [--renders 300]

Runs one real htmx search (bench_view.py's temp sandbox, served as its own process, and a signed-in
agent), keeps the context its template was given, and renders that context again and again with
each tree's templates (AFTER defaults to this checkout's), alternately, timing this process's CPU.
What differs is the templates alone: the code, the record and the request are the same, so a
change to a template is measured without the noise of two processes on a busy machine. A tree
from another commit: `git worktree add /tmp/before <commit>`. The tag libraries are this
checkout's, so the older tree must not use a tag this one has removed.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import bench_view  # this folder: run as a script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.conftest, for the signed-in agent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path, help="a templates folder")
    parser.add_argument("after", type=Path, nargs="?", default=ROOT / "templates")
    parser.add_argument("--renders", type=int, default=300, help="timed renders per tree")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with bench_view.sandbox_served(customers=300):
        compare([args.before, args.after], args.renders)


def compare(trees: list[Path], renders: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.template.backends.django import DjangoTemplates, Template

    from tests.conftest import make_user, signed_in

    captured = []
    render = Template.render

    def capturing(self, context=None, request=None):
        captured.append((self.origin.template_name, context, request))
        return render(self, context, request)

    serve = bench_view.server_for(signed_in(make_user("bench-agent", "Call-center agents")))
    Template.render = capturing  # type: ignore[method-assign]
    try:
        serve("/search/", hx=True, data={"q": bench_view.searchable_emails(1)[0]})
    finally:
        Template.render = render  # type: ignore[method-assign]
    name, context, request = captured[0]  # the answer's own template; widgets come after
    options = dict(settings.TEMPLATES[0]["OPTIONS"])
    engines = [
        DjangoTemplates({"NAME": str(tree), "DIRS": [tree], "APP_DIRS": True, "OPTIONS": options})
        for tree in trees
    ]
    spent: list[list[float]] = [[] for _ in trees]
    for number in range(renders + 10):
        for engine, times in zip(engines, spent, strict=True):
            template = engine.get_template(name)
            started = time.process_time()
            template.render(dict(context), request)
            if number >= 10:  # the first ten warm up
                times.append((time.process_time() - started) * 1000)
    sizes = [len(engine.get_template(name).render(dict(context), request)) for engine in engines]
    print(f"| templates ({name}) | CPU-ms median | p95 | bytes |\n|---|---|---|---|")
    for tree, times, size in zip(trees, spent, sizes, strict=True):
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"| {tree} | {statistics.median(times):.2f} | {p95:.2f} | {size:,} |")


if __name__ == "__main__":
    main()
