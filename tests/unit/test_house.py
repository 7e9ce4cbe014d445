"""The house drawn from its imports: floors that point one way, no circles, small files.

Every ``import`` of ``procure`` code counts, wherever it stands (module level, inside a
function, under ``TYPE_CHECKING``): each is a dependency a reader has to follow. The floors,
lowest first, are ``domain`` < ``resources`` < ``store`` < ``workflow`` < ``reports`` <
``services`` < ``jobs`` < ``web`` < ``cli``; the package itself (``procure``, ``__main__``)
stands on top. ``make lint`` runs this file too.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "procure"
FLOORS = ("domain", "resources", "store", "workflow", "reports", "services", "jobs", "web", "cli")
MIGRATIONS = "procure.store.migrations"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _resolve(name: str) -> str | None:
    """The module ``name`` is (or lies in), or None when it is not ours."""
    known = modules()
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _imported(module: str, path: Path) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names = [
                name if (name := f"{base}.{alias.name}") in modules() else base
                for alias in node.names
            ]
        found.update(r for n in names if n.startswith("procure") and (r := _resolve(n)))
    found.discard(module)
    return found


@cache
def imports() -> dict[str, frozenset[str]]:
    """What each module imports of ours."""
    return {name: frozenset(_imported(name, path)) for name, path in modules().items()}


def floor(module: str) -> int:
    """The floor a module stands on (the package itself stands above every floor)."""
    parts = module.split(".")
    return FLOORS.index(parts[1]) if len(parts) > 1 and parts[1] in FLOORS else len(FLOORS)


def circles() -> list[list[str]]:
    """The strongly connected groups of two or more modules (Tarjan)."""
    graph = imports()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_modules_import_each_other_in_a_circle() -> None:
    assert circles() == []


def test_no_module_imports_from_a_higher_floor() -> None:
    upward = [
        f"{module} ({FLOORS[floor(module)]}) imports {target} ({FLOORS[floor(target)]})"
        for module, targets in sorted(imports().items())
        if floor(module) < len(FLOORS)
        for target in sorted(targets)
        if floor(target) > floor(module)
    ]
    assert upward == []


def test_the_domain_imports_nothing_of_ours_but_the_domain() -> None:
    outside = [
        f"{module} imports {target}"
        for module, targets in sorted(imports().items())
        if module.startswith("procure.domain")
        for target in sorted(targets)
        if not target.startswith("procure.domain")
    ]
    assert outside == []


def test_migrations_import_no_application_code() -> None:
    revisions = [name for name in modules() if name.startswith(f"{MIGRATIONS}.versions.")]
    assert revisions, "no migration found"
    importing = {name: sorted(imports()[name]) for name in revisions if imports()[name]}
    assert importing == {}


def test_no_python_file_is_over_400_lines() -> None:
    files = [
        *PACKAGE.rglob("*.py"),
        *(ROOT / "tests").rglob("*.py"),
        *(ROOT / "bench").glob("*.py"),
    ]
    long = {
        str(path.relative_to(ROOT)): count
        for path in files
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_services_package_says_what_it_owns_and_has_a_line_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1] if "## Layout" in readme else ""
    for init in sorted((PACKAGE / "services").glob("*/__init__.py")):
        package = init.parent.name
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert len(docstring.split()) >= 12, (
            f"services/{package} has no docstring saying what it owns"
        )
        assert re.search(rf"`services/{package}/`", layout), (
            f"README's Layout has no line for {package}"
        )


def test_services_holds_packages_only() -> None:
    loose = sorted(
        path.name for path in (PACKAGE / "services").glob("*.py") if path.name != "__init__.py"
    )
    assert loose == []
