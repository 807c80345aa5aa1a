"""No import cycles between the modules of the four packages, function-level imports included.

The graph is read from the source (ast), not from what happens to be imported at run time: an
import inside a function is an edge like any other, because it is a dependency all the same.
``from package import name`` is an edge to ``package.name`` when that is a module, else to the
package itself; a package's ``__init__`` running before its modules is not counted as an edge.
"""

from __future__ import annotations

import ast
import graphlib
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("central_api", "kiosk_app", "sync", "printing")


def module_name(root: pathlib.Path, path: pathlib.Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules_of(root: pathlib.Path, packages=PACKAGES) -> dict[str, pathlib.Path]:
    return {
        module_name(root, path): path
        for package in packages
        if (root / package).is_dir()
        for path in sorted((root / package).rglob("*.py"))
    }


def _named(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The dotted names one import statement asks for (relative imports resolved)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    return [f"{source}.{alias.name}" for alias in node.names] + [source]


def import_graph(root: pathlib.Path = ROOT, packages=PACKAGES) -> dict[str, set[str]]:
    """Each module of the packages, and the modules of the packages it imports."""
    modules = modules_of(root, packages)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets: set[str] = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            named = _named(node, name, path.name == "__init__.py")
            if isinstance(node, ast.ImportFrom):
                # ``from a import b``: the module a.b if there is one, else a itself
                source, members = named[-1], named[:-1]
                named = [m if m in modules else source for m in members]
            for target in named:
                while target and target not in modules:  # a name inside a module: the module
                    target = target.rpartition(".")[0]
                if target and target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle (``[a, b, ..., a]``) if there is any, else None."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        return list(reversed(exc.args[1]))
    return None


def test_the_packages_have_no_import_cycle():
    graph = import_graph()
    assert {"central_api.cli", "kiosk_app.services", "sync.bundle"} <= set(graph)
    assert find_cycle(graph) is None


def test_a_function_level_import_that_closes_a_loop_is_found(tmp_path):
    package = tmp_path / "kiosk_app"
    (package / "ui").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "ui" / "__init__.py").write_text("", encoding="utf-8")
    (package / "services.py").write_text("from .store import open_store\n", encoding="utf-8")
    (package / "store.py").write_text(
        "def open_store():\n    from . import services\n    return services\n", encoding="utf-8"
    )
    (package / "ui" / "tour.py").write_text("from ..services import x\n", encoding="utf-8")
    graph = import_graph(tmp_path, ("kiosk_app",))
    assert graph["kiosk_app.ui.tour"] == {"kiosk_app.services"}
    cycle = find_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1]
    assert set(cycle) == {"kiosk_app.services", "kiosk_app.store"}


def test_no_cycle_is_reported_where_there_is_none(tmp_path):
    package = tmp_path / "sync"
    package.mkdir()
    (package / "__init__.py").write_text("from .bundle import seal\n", encoding="utf-8")
    (package / "bundle.py").write_text("import json\nfrom . import errors\n", encoding="utf-8")
    (package / "errors.py").write_text("", encoding="utf-8")
    graph = import_graph(tmp_path, ("sync",))
    assert graph == {"sync": {"sync.bundle"}, "sync.bundle": {"sync.errors"}, "sync.errors": set()}
    assert find_cycle(graph) is None
