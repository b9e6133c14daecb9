"""The import structure points down: delivery (views, the API, the command line, reports) → domain apps → pure
cores. No two apps import each other (not even through a third app, and not from inside a function), the pure
cores import no app and no Django, and app code imports at the top of a module, where a reader sees it.

The checker reads the source with `ast` (it imports nothing), so it sees imports inside functions too. The
tests at the end run it on small made-up packages to show that it fails on each kind of violation.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

import whatmatters

PACKAGE = "whatmatters"
APPS = (
    "teams",
    "engagement",
    "framework",
    "learning",
    "surveys",
    "dashboards",
    "reports",
    "api",
    "audit",
    "safety",
    "waitinglists",
)
CORES = ("spc", "flow", "text", "imports")
# Delivery: the apps that lay out for people and programs what the domain apps give them. No domain app
# imports one of these.
DELIVERY = ("dashboards", "reports", "api")

# Imports inside a function in app code that stay, each with the reason. A function-level import hides a
# dependency from the reader and is how cycles between apps creep back in, so keep this list short.
# (`AppConfig.ready()` is allowed everywhere without an entry: Django's way to connect signal receivers and
# checks once every app is loaded; those modules cannot be imported while apps.py is.)
ALLOWED_FUNCTION_IMPORTS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    importer: str  # the module doing the import
    imported: str  # the module (or module.name) imported
    line: int
    in_function: bool
    in_ready: bool  # inside an AppConfig.ready() method


def module_names(root: Path, package: str = PACKAGE) -> dict[str, str]:
    """Every module of the package (migrations left out) and its source."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).with_suffix("")
        if "migrations" in relative.parts:
            continue
        parts = [package, *relative.parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path.read_text(encoding="utf-8")
    return found


def _absolute(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _mark_scopes(
    node: ast.AST, scopes: dict[int, tuple[bool, bool]], *, in_function: bool, in_ready: bool
) -> None:
    """Note for every node whether it is inside a function, and inside a ready() method."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            _mark_scopes(child, scopes, in_function=True, in_ready=in_ready or child.name == "ready")
        else:
            scopes[id(child)] = (in_function, in_ready)
            _mark_scopes(child, scopes, in_function=in_function, in_ready=in_ready)


def imports_in(sources: Mapping[str, str], packages: Iterable[str] = ()) -> list[Import]:
    """Every import statement in the sources, module level and function level, with absolute names.

    `from a import b` yields both `a` and `a.b` (b may be a module). `packages` names the modules that are
    packages (an `__init__.py`), for relative imports; a module with a submodule in `sources` is one too."""
    package_names = set(packages) | {name.rsplit(".", 1)[0] for name in sources if "." in name}
    found = []
    for importer, source in sources.items():
        tree = ast.parse(source)
        scopes: dict[int, tuple[bool, bool]] = {}

        _mark_scopes(tree, scopes, in_function=False, in_ready=False)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(importer, importer in package_names, node)
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            in_function, in_ready = scopes[id(node)]
            found += [Import(importer, target, node.lineno, in_function, in_ready) for target in targets]
    return found


def app_of(module: str, package: str = PACKAGE) -> str | None:
    parts = module.split(".")
    if parts[0] == package and len(parts) > 1 and parts[1] in (*APPS, *CORES):
        return parts[1]
    return None


def app_graph(imports: Iterable[Import], package: str = PACKAGE) -> dict[tuple[str, str], list[Import]]:
    """Which app imports which other app, and where."""
    edges: dict[tuple[str, str], list[Import]] = {}
    for found in imports:
        source, target = app_of(found.importer, package), app_of(found.imported, package)
        if source and target and source != target:
            edges.setdefault((source, target), []).append(found)
    return edges


def cycles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The groups of apps that import each other, directly or round a loop (strongly connected components
    with more than one app), each sorted, for a message."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(groups)


def cycle_problems(imports: list[Import], package: str = PACKAGE) -> list[str]:
    edges = app_graph(imports, package)
    problems = []
    for group in cycles(edges):
        where = [
            f"{source} → {target} ({found[0].importer} line {found[0].line})"
            for (source, target), found in sorted(edges.items())
            if source in group and target in group
        ]
        problems.append(f"{', '.join(group)} import each other: " + "; ".join(where))
    return problems


def core_problems(imports: list[Import], package: str = PACKAGE) -> list[str]:
    """A pure core imports no Django, nothing that needs Django, and no app."""
    problems = []
    for found in imports:
        if app_of(found.importer, package) not in CORES:
            continue
        top = found.imported.split(".")[0]
        target = app_of(found.imported, package)
        reaches_app = top == package and target not in CORES and found.imported != package
        if top in ("django", "ninja", "django_tasks_db") or reaches_app:
            problems.append(f"{found.importer} line {found.line} imports {found.imported}")
    return sorted(set(problems))


def function_import_problems(
    imports: list[Import], allowed: Mapping[tuple[str, str], str], package: str = PACKAGE
) -> list[str]:
    """Imports of the project's own modules inside a function, anywhere in the project, not allowed."""
    problems = []
    for found in imports:
        if not found.in_function or found.in_ready or not found.imported.startswith(f"{package}."):
            continue
        if (found.importer, found.imported) in allowed or (
            found.importer,
            found.imported.rsplit(".", 1)[0],
        ) in allowed:
            continue
        problems.append(f"{found.importer} line {found.line} imports {found.imported} inside a function")
    return sorted(set(problems))


def _is_view_module(module: str) -> bool:
    return module.split(".")[-1] == "views" or ".views." in module


def view_problems(imports: list[Import], package: str = PACKAGE) -> list[str]:
    """An app never imports a view module of another app."""
    return sorted(
        {
            f"{found.importer} line {found.line} imports {found.imported}"
            for found in imports
            if _is_view_module(found.imported)
            and app_of(found.imported, package)
            and app_of(found.importer, package)
            and app_of(found.imported, package) != app_of(found.importer, package)
        }
    )


def delivery_problems(imports: list[Import], package: str = PACKAGE) -> list[str]:
    """A domain app (or a core) never imports a delivery app: the API, dashboards and reports sit on top."""
    return sorted(
        {
            f"{found.importer} line {found.line} imports {found.imported}"
            for found in imports
            if app_of(found.imported, package) in DELIVERY
            and app_of(found.importer, package) not in (*DELIVERY, None)
        }
    )


@pytest.fixture(scope="module")
def project_imports() -> list[Import]:
    return imports_in(module_names(Path(whatmatters.__file__).parent))


# The project


def test_no_two_apps_import_each_other_directly_or_round_a_loop(project_imports: list[Import]) -> None:
    assert cycle_problems(project_imports) == []


def test_the_pure_cores_import_no_app_and_no_django(project_imports: list[Import]) -> None:
    assert core_problems(project_imports) == []


def test_the_project_imports_its_own_modules_only_at_the_top_of_a_module(
    project_imports: list[Import],
) -> None:
    assert function_import_problems(project_imports, ALLOWED_FUNCTION_IMPORTS) == []


def test_every_allowed_function_level_import_is_still_there_and_has_a_reason(
    project_imports: list[Import],
) -> None:
    present = {(found.importer, found.imported) for found in project_imports if found.in_function}
    for entry, reason in ALLOWED_FUNCTION_IMPORTS.items():
        assert entry in present, f"{entry} is no longer imported inside a function: take it off the list"
        assert len(reason.split()) >= 4, f"{entry} needs a reason"


def test_an_app_never_imports_a_view_module_of_another_app(project_imports: list[Import]) -> None:
    assert view_problems(project_imports) == []


def test_the_team_pages_urls_do_not_import_the_apis_views(project_imports: list[Import]) -> None:
    assert not [
        found
        for found in project_imports
        if found.importer.startswith("whatmatters.teams") and found.imported.startswith("whatmatters.api")
    ]


def test_no_domain_app_imports_the_api_dashboards_or_reports(project_imports: list[Import]) -> None:
    assert delivery_problems(project_imports) == []


def test_framework_and_engagement_do_not_use_the_apis_schemas(project_imports: list[Import]) -> None:
    assert not [
        found
        for found in project_imports
        if app_of(found.importer) in ("framework", "engagement")
        and found.imported.startswith("whatmatters.api.schemas")
    ]


def test_learning_and_surveys_take_the_rate_limit_from_safety_not_engagement(
    project_imports: list[Import],
) -> None:
    sources = module_names(Path(whatmatters.__file__).parent)
    for module in sources:
        if app_of(module) in ("learning", "surveys"):
            tree = ast.parse(sources[module])
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ImportFrom)
                    and node.module
                    and node.module.startswith("whatmatters.engagement")
                ):
                    names = {alias.name for alias in node.names}
                    assert not {name for name in names if "limit" in name.lower()}, (
                        f"{module} line {node.lineno}"
                    )
                if isinstance(node, ast.Attribute) and "limit" in node.attr.lower():
                    value = node.value
                    assert not (isinstance(value, ast.Name) and value.id == "engagement"), (
                        f"{module} line {node.lineno}"
                    )


# The checker itself, on made-up packages


def _imports(**modules: str) -> list[Import]:
    return imports_in({name.replace("__", "."): source for name, source in modules.items()})


def test_the_checker_finds_two_apps_importing_each_other_from_inside_a_function() -> None:
    found = _imports(
        whatmatters__framework__presenters="def f():\n    from whatmatters.engagement.models import Theme\n",
        whatmatters__engagement__actions="from whatmatters.framework.models import Domain\n",
    )
    assert cycle_problems(found) == [
        "engagement, framework import each other: "
        "engagement → framework (whatmatters.engagement.actions line 1); "
        "framework → engagement (whatmatters.framework.presenters line 2)"
    ]


def test_the_checker_finds_a_loop_through_a_third_app() -> None:
    found = _imports(
        whatmatters__teams__models="from whatmatters.audit import log\n",
        whatmatters__audit__log="from whatmatters.safety.alerts import x\n",
        whatmatters__safety__alerts="import whatmatters.teams.models\n",
        whatmatters__surveys__models="from whatmatters.teams.models import Team\n",
    )
    assert [problem.split(" import each other")[0] for problem in cycle_problems(found)] == [
        "audit, safety, teams"
    ]


def test_the_checker_reads_relative_imports() -> None:
    found = _imports(
        whatmatters__audit__views="from ..teams.models import Team\n",
        whatmatters__teams__models="from ..audit import tracking\n",
        whatmatters__audit__tracking="x = 1\n",
    )
    assert len(cycle_problems(found)) == 1


def test_the_checker_passes_apps_that_point_one_way() -> None:
    found = _imports(
        whatmatters__surveys__measures="from whatmatters.framework.models import Measure\n",
        whatmatters__framework__models=(
            "from whatmatters.teams.models import Team\nfrom whatmatters.spc import engine\n"
        ),
    )
    assert cycle_problems(found) == []
    assert function_import_problems(found, {}) == []


def test_the_checker_finds_a_pure_core_importing_django_or_an_app() -> None:
    found = _imports(
        whatmatters__spc__engine="from django.conf import settings\n",
        whatmatters__flow__cli="def main():\n    from whatmatters.framework import models\n",
        whatmatters__text__pii="from whatmatters.imports import cells\n",
    )
    assert core_problems(found) == [
        "whatmatters.flow.cli line 2 imports whatmatters.framework",
        "whatmatters.flow.cli line 2 imports whatmatters.framework.models",
        "whatmatters.spc.engine line 1 imports django.conf",
        "whatmatters.spc.engine line 1 imports django.conf.settings",
    ]


def test_the_checker_finds_a_function_level_import_unless_it_is_allowed_or_in_ready() -> None:
    found = _imports(
        whatmatters__learning__actions=(
            "import os\n\ndef f():\n    import json\n    from whatmatters.teams.models import User\n"
        ),
        whatmatters__audit__apps=(
            "class C:\n    def ready(self):\n        from whatmatters.audit import signals\n"
        ),
    )
    assert function_import_problems(found, {}) == [
        "whatmatters.learning.actions line 5 imports whatmatters.teams.models inside a function",
        "whatmatters.learning.actions line 5 imports whatmatters.teams.models.User inside a function",
    ]
    allowed = {("whatmatters.learning.actions", "whatmatters.teams.models"): "a reason of four words"}
    assert function_import_problems(found, allowed) == []


def test_the_checker_finds_an_app_importing_another_apps_views_and_a_domain_app_importing_the_api() -> None:
    found = _imports(
        whatmatters__teams__urls="from whatmatters.api import views as api_views\n",
        whatmatters__framework__api="from whatmatters.api.schemas import TeamSlug\n",
        whatmatters__dashboards__views="from whatmatters.reports.presenters import x\n",
    )
    assert view_problems(found) == ["whatmatters.teams.urls line 1 imports whatmatters.api.views"]
    assert delivery_problems(found) == [
        "whatmatters.framework.api line 1 imports whatmatters.api.schemas",
        "whatmatters.framework.api line 1 imports whatmatters.api.schemas.TeamSlug",
        "whatmatters.teams.urls line 1 imports whatmatters.api",
        "whatmatters.teams.urls line 1 imports whatmatters.api.views",
    ]
