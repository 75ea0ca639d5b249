"""The shape of the package: one import surface, a client without Django, and flag lists that agree
with the sandbox's."""

import ast
from pathlib import Path

import membercare.capillary
from membercare.capillary import query
from membercare.sandbox import params

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "membercare" / "capillary"


def imported_names(path: Path, *, modules: bool) -> set[str]:
    """Names `path` imports from membercare.capillary (and from its modules, with `modules`)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        if node.module == "membercare.capillary" or (
            modules and node.module.startswith("membercare.capillary.")
        ):
            names |= {alias.name for alias in node.names}
    return names


def test_all_lists_exactly_what_other_apps_and_scripts_import():
    used: set[str] = set()
    for path in (ROOT / "membercare").rglob("*.py"):
        if not path.is_relative_to(PACKAGE):
            used |= imported_names(path, modules=True)
    for path in (ROOT / "scripts").rglob("*.py"):
        used |= imported_names(path, modules=False)  # a benchmark may time internals, as tests do

    assert sorted(membercare.capillary.__all__) == sorted(used)


def test_every_name_in_all_is_importable_from_the_package():
    for name in membercare.capillary.__all__:
        assert hasattr(membercare.capillary, name), name


def test_the_client_and_its_transport_import_nothing_of_django():
    for module in ("client", "transport", "errors", "identifiers", "query", "types", "_coerce"):
        tree = ast.parse((PACKAGE / f"{module}.py").read_text())
        imported = [
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        ]
        assert not [name for name in imported if name and name.startswith("django")], module


def test_the_client_and_the_sandbox_know_the_same_embed_flags():
    assert query.EMBED_FLAGS == params.EMBED_FLAGS
    assert query.DEFAULT_ON_FLAGS == params.DEFAULT_ON_FLAGS
