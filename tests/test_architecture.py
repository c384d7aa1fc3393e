"""Dependencies run one way (docs/architecture.md, "Dependencies one way").

Every module under nmg_ops/ is read with `ast`, imports inside functions included: a lazy import is still
a dependency, it only hides the cycle from Python until the day the two modules load in the other order.
A part of the application is a package or a module at the root of nmg_ops; the demo data, whether in
`demo.py` and `demo_*.py` or in a `demo/` package, is one part; the app factory is `nmg_ops` itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import nmg_ops

ROOT = Path(nmg_ops.__file__).parent

#: the domain packages, lowest first: each imports only those before it (docs/architecture.md)
DOMAIN_ORDER = (
    "delivery",
    "auth",
    "members",
    "meetings",
    "calendar",
    "minutes",
    "documents",
    "news",
    "governance",
    "privacy",
    "api",
)
#: packages that are not domains: the models sit below every domain, the demo data above all of them
NOT_DOMAINS = {"models", "demo"}

Edges = dict[tuple[str, str], list[str]]


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str) -> str:
    """The part of the application a module belongs to."""
    parts = module.split(".")
    if len(parts) == 1:
        return "nmg_ops"
    return "demo" if parts[1] == "demo" or parts[1].startswith("demo_") else parts[1]


def _imported(node: ast.AST, module: str, is_package: bool, modules: set[str]) -> Iterator[str]:
    """The nmg_ops modules an import statement names; `from x import y` names x.y when y is a module."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            anchor = module.split(".") if is_package else module.split(".")[:-1]
            anchor = anchor[: len(anchor) - node.level + 1]
            base = ".".join([*anchor, node.module] if node.module else anchor)
        else:
            base = node.module or ""
        for alias in node.names:
            name = f"{base}.{alias.name}"
            yield name if name in modules else base


def import_graph(root: Path = ROOT) -> Edges:
    """(importer, imported) between parts of the application, with the places the imports are made."""
    paths = sorted(root.rglob("*.py"))
    modules = {_module_name(path, root) for path in paths}
    edges: Edges = {}
    for path in paths:
        module = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for target in _imported(node, module, path.name == "__init__.py", modules):
                if target != "nmg_ops" and not target.startswith("nmg_ops."):
                    continue
                edge = (_part(module), _part(target))
                place = f"{path.relative_to(root.parent)}:{node.lineno}"
                if edge[0] != edge[1] and place not in edges.setdefault(edge, []):
                    edges[edge].append(place)
    # ast.walk goes breadth first: an import at the top of a module comes before one inside a function
    return {edge: sorted(places, key=_line_order) for edge, places in edges.items()}


def _line_order(place: str) -> tuple[str, int]:
    path, line = place.rsplit(":", 1)
    return path, int(line)


def cycles(edges: Edges) -> list[list[str]]:
    """Cycles among the parts, at least one through each group that import each other (a depth-first walk
    meets every such group by an import back to a part still on its path)."""
    following: dict[str, list[str]] = {}
    for source, target in sorted(edges):
        following.setdefault(source, []).append(target)
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(part: str, path: list[str]) -> None:
        if part in path:
            cycle = [*path[path.index(part) :], part]
            if not any(set(cycle) <= set(other) for other in found):
                found.append(cycle)
            return
        if part in done:
            return
        for target in following.get(part, []):
            visit(target, [*path, part])
        done.add(part)

    for start in sorted(following):
        visit(start, [])
    return found


def describe(cycle: list[str], edges: Edges) -> str:
    steps = [f"{a} imports {b} ({edges[(a, b)][0]})" for a, b in pairwise(cycle)]
    return "; ".join(steps)


def test_no_part_of_the_application_imports_one_that_imports_it_back():
    edges = import_graph()
    found = [describe(cycle, edges) for cycle in cycles(edges)]
    assert not found, "Imports in a circle:\n" + "\n".join(found)


def test_a_domain_package_imports_only_the_domains_below_it():
    rank = {name: position for position, name in enumerate(DOMAIN_ORDER)}
    upward = [
        f"{source} imports {target}, which is above it: {', '.join(places)}"
        for (source, target), places in sorted(import_graph().items())
        if source in rank and target in rank and rank[source] < rank[target]
    ]
    assert not upward, "\n".join(upward)


def test_every_domain_package_has_its_place_in_the_order():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - NOT_DOMAINS
    assert packages == set(DOMAIN_ORDER)


def test_the_graph_sees_lazy_imports_and_cycles_through_several_packages(tmp_path):
    package = tmp_path / "nmg_ops"
    for name, text in {
        "__init__.py": "from . import a\n",
        "a/__init__.py": "from ..b import thing\n",
        "b/__init__.py": "import nmg_ops.c.deep\n",
        "c/__init__.py": "",
        "c/deep.py": "def later():\n    from ..a import x\n",
    }.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text)
    edges = import_graph(package)
    assert edges[("c", "a")] == ["nmg_ops/c/deep.py:2"]
    assert edges[("nmg_ops", "a")] == ["nmg_ops/__init__.py:1"]
    assert cycles(edges) == [["a", "b", "c", "a"]]
