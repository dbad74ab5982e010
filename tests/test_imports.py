"""The import structure of the project's packages, read from the source with :mod:`ast`.

A package named in :data:`CHECKED` has no import loop through any of its modules, and imports
nothing of the project inside a function (the usual way round a loop), but for the few late
imports in :data:`LATE`, each with its reason. A package joins :data:`CHECKED` once it is
re-housed.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The project's own top-level packages: imports of anything else are not followed.
PROJECT = ("graph", "service")
#: The packages held to the rules (service/ joins when it is re-housed).
CHECKED = ("graph", "service")
#: Imports of the project allowed inside a function: (importing module, imported module) -> why.
LATE = {
    ("graph.cli", "service.server"): "the serve command starts the web layer, which graph "
    "never imports otherwise",
    ("graph.cli", "service.settings"): "the serve command's options are settings of the web "
    "layer",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    return {
        module_name(path): path
        for package in PROJECT
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The project module an import of ``name`` loads last (a submodule, else its package)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int, bool]]:
    """(imported project module, line, inside a function) for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:  # relative: from the package, up level - 1
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # ``from graph import queries`` loads the module graph.queries
                names = [f"{base}.{alias.name}" for alias in child.names]
            else:
                visit(child, nested)
                continue
            for name in names:
                target = _resolve(name, known)
                if target is not None and target != module:
                    found.append((target, child.lineno, in_function))

    visit(tree, False)
    return found


def import_graph() -> tuple[dict[str, set[str]], list[tuple[str, str, int]]]:
    """Module -> the project modules it imports (anywhere in it), and the imports made inside
    a function as (module, imported module, line)."""
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    late = []
    for name, path in known.items():
        for target, line, in_function in imports(name, path, known):
            edges[name].add(target)
            if in_function:
                late.append((name, target, line))
    return edges, late


def cycles_through(edges: dict[str, set[str]], package: str) -> list[list[str]]:
    """One import loop for each module of ``package`` that lies on one."""
    found = []
    for start in sorted(m for m in edges if m == package or m.startswith(package + ".")):
        stack, seen = [(start, [start])], {start}
        while stack:
            node, path = stack.pop()
            for target in sorted(edges[node]):
                if target == start:
                    found.append([*path, start])
                    stack = []
                    break
                if target not in seen:
                    seen.add(target)
                    stack.append((target, [*path, target]))
    return found


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def ancestors(module: str, known: dict[str, Path]) -> set[str]:
    """The packages Python imports before ``module``: each ``__init__.py`` above it."""
    parts = module.split(".")
    return {".".join(parts[:n]) for n in range(1, len(parts))} & known.keys()


def with_packages(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """The import edges with those Python adds: a module imports the packages above it, and an
    import of ``a.b.c`` runs ``a/__init__.py`` and ``a/b/__init__.py`` too."""
    known = dict.fromkeys(edges, Path())
    return {
        name: (targets | ancestors(name, known)
               | {a for t in targets for a in ancestors(t, known)}) - {name}
        for name, targets in edges.items()
    }


@pytest.mark.parametrize("package", CHECKED)
def test_no_import_loops(package):
    edges, _ = import_graph()
    assert cycles_through(with_packages(edges), package) == []


@pytest.mark.parametrize("package", CHECKED)
def test_no_imports_of_the_project_inside_functions(package):
    _, late = import_graph()
    inside = [
        f"{module} imports {target} inside a function (line {line})"
        for module, target, line in late
        if _in(module, package) and (module, target) not in LATE
    ]
    assert inside == []


def test_graph_never_imports_the_web_layer_at_module_level():
    edges, late = import_graph()
    allowed = {(module, target) for module, target, _ in late if (module, target) in LATE}
    upward = [
        f"{module} -> {target}"
        for module, targets in edges.items()
        if _in(module, "graph")
        for target in targets
        if _in(target, "service") and (module, target) not in allowed
    ]
    assert upward == []


def test_the_checks_see_a_loop_and_a_late_import(tmp_path):
    """The helpers find what they are for: a loop of two modules, and an import in a function."""
    edges = {"p.a": {"p.b"}, "p.b": {"p.a"}, "p.c": {"p.a"}}
    assert cycles_through(edges, "p") == [["p.a", "p.b", "p.a"], ["p.b", "p.a", "p.b"]]
    source = tmp_path / "m.py"
    source.write_text("import os\n\ndef f():\n    from graph import queries\n", encoding="utf-8")
    known = {"graph": ROOT / "graph/__init__.py", "graph.queries": ROOT / "graph/queries.py"}
    assert imports("m", source, known) == [("graph.queries", 4, True)]
    # a package whose __init__ imports one of its modules loops with it, as Python runs it
    edges = {"p": {"p.a"}, "p.a": {"p.b"}, "p.b": set()}
    assert cycles_through(edges, "p") == []
    assert cycles_through(with_packages(edges), "p")[0] == ["p", "p.a", "p"]


def test_a_query_worker_imports_no_web_framework():
    """Query workers are forked from a server preloaded with ``service.sparql.worker``: that
    module, and every package above it, must not import Flask or werkzeug (about 35 MB more
    resident memory in each worker)."""
    probe = ("import sys, service.sparql.worker; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug')))")
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.strip()
    assert loaded == "[]"
