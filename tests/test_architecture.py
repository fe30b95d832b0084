"""Imports flow one way, with no cycles, as tests/layers.py says."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from tests.layers import LAYERS, OWNERS, ROOT

PACKAGE = Path(__file__).resolve().parent.parent / "slawriter"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


_IMPORTERS = {"import_module", "__import__"}  # importlib.import_module(...) or a bare name


def _named_module(node: ast.Call, package: list[str]) -> str | None:
    """The module an ``import_module("...")`` or ``__import__("...")`` call names by a string
    literal, or by the constant head of an f-string (``f"slawriter.commands.{name}"`` names
    the package ``slawriter.commands``); relative names count from ``package``."""
    func = node.func
    called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if called not in _IMPORTERS or not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        text = first.value
    elif (
        isinstance(first, ast.JoinedStr)
        and first.values
        and isinstance(first.values[0], ast.Constant)
        and isinstance(first.values[0].value, str)
    ):
        text = first.values[0].value.rpartition(".")[0]
    else:
        return None
    dots = len(text) - len(text.lstrip("."))
    if dots:
        base = package[: len(package) - dots + 1]
        text = ".".join([*base, *([text[dots:]] if text[dots:] else [])])
    return text or None


def _imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """Every module this one imports (absolute names), with the line, wherever it stands."""
    tree = ast.parse(path.read_text(), str(path))
    is_package = path.name == "__init__.py"
    package = name.split(".") if is_package else name.split(".")[:-1]
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            named = _named_module(node, package)
            if named is not None:
                found.append((named, node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # "from slawriter.files import roundtrip" imports the module slawriter.files.roundtrip;
            # "from slawriter.files.load import Loaded" imports a name from slawriter.files.load.
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                found.append((submodule if submodule in known else module, node.lineno))
    return found


def _resolve(module: str, known: dict[str, Path]) -> str | None:
    while module and module not in known:
        module = module.rpartition(".")[0]
    return module or None


def _find_layer(module: str) -> tuple[int, str] | None:
    """(layer index, the prefix that placed it), or None when no layer holds the module."""
    best: tuple[int, int, str] | None = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            # The bare package name holds only the package's own __init__: a module that
            # matched it by prefix would have a layer without anyone choosing one.
            below = prefix != ROOT and module.startswith(prefix + ".")
            if (module == prefix or below) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index, prefix)
    return None if best is None else (best[1], best[2])


def _layer(module: str) -> tuple[int, str]:
    found = _find_layer(module)
    assert found is not None, f"{module} is in no layer of tests/layers.py"
    return found


def _unlayered(modules: Iterable[str]) -> list[str]:
    return [name for name in modules if _find_layer(name) is None]


def _graph() -> dict[str, dict[str, int]]:
    known = _modules()
    graph: dict[str, dict[str, int]] = {}
    for name, path in known.items():
        edges: dict[str, int] = {}
        for imported, line in _imports(name, path, known):
            if not imported.startswith("slawriter"):
                continue
            target = _resolve(imported, known)
            if target and target != name:
                edges.setdefault(target, line)
        graph[name] = edges
    return graph


def test_every_module_has_a_layer() -> None:
    assert _unlayered(_modules()) == [], "add these to tests/layers.py"


def test_a_new_package_has_no_layer_until_given_one() -> None:
    """The probe: the test above fails for a package nobody placed in the table."""
    assert _unlayered(["slawriter", "slawriter.errors", "slawriter.clock.engine"]) == []
    assert _unlayered(["slawriter.newpackage", "slawriter.newpackage.module"]) == [
        "slawriter.newpackage",
        "slawriter.newpackage.module",
    ]


def test_the_renderer_registry_names_renderers() -> None:
    """The writers the registry imports by name sit in the render layer, like an import."""
    from slawriter.render.registry import FORMATS

    known = _modules()
    renderers = next(i for i, (title, _) in enumerate(LAYERS) if title == "renderers")
    wrong = [
        f"{entry.name}: {entry.module}"
        for entry in FORMATS.values()
        if entry.module not in known or _find_layer(entry.module) != (renderers, "slawriter.render")
    ]
    assert not wrong, "registry writers outside slawriter/render/: " + ", ".join(wrong)


def _calendar_builders(path: Path) -> list[int]:
    """Lines that construct the engine's Calendar: ``Calendar(...)``, ``Calendar.always(...)``,
    ``engine.Calendar(...)`` or a call handed the class to build with (``cache(key, Calendar,
    ...)``), under whatever name the module imported it."""
    tree = ast.parse(path.read_text(), str(path))
    classes: set[str] = set()  # names bound to slawriter.clock.engine.Calendar
    modules: set[str] = set()  # names bound to slawriter.clock.engine
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("clock.engine"):
            classes.update(a.asname or a.name for a in node.names if a.name == "Calendar")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").endswith("clock"):
            modules.update(a.asname or a.name for a in node.names if a.name == "engine")
        elif isinstance(node, ast.Import):
            modules.update(
                a.asname for a in node.names if a.name.endswith("clock.engine") and a.asname
            )

    def is_class(expr: ast.expr) -> bool:
        if isinstance(expr, ast.Name):
            return expr.id in classes
        return (
            isinstance(expr, ast.Attribute)
            and expr.attr == "Calendar"
            and isinstance(expr.value, ast.Name)
            and expr.value.id in modules
        )

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            passed = [*node.args, *(k.value for k in node.keywords)]
            if (
                is_class(func)
                or (isinstance(func, ast.Attribute) and is_class(func.value))
                or any(is_class(arg) for arg in passed)  # handed to a cache to build
            ):
                lines.append(node.lineno)
    return sorted(lines)


def test_calendars_come_from_the_one_factory() -> None:
    """Issue 9: documents, check, report and the commands build calendars one way, in
    slawriter/clock/calendars.py, so their time zones and figures cannot drift apart."""
    wrong = [
        f"{name}:{line}"
        for name, path in _modules().items()
        if name not in {"slawriter.clock.calendars", "slawriter.clock.engine"}
        for line in _calendar_builders(path)
    ]
    assert not wrong, "calendars built outside slawriter.clock.calendars: " + ", ".join(wrong)


def test_no_module_imports_upward_or_sideways() -> None:
    wrong = []
    for name, edges in _graph().items():
        layer, home = _layer(name)
        for target, line in edges.items():
            target_layer, target_home = _layer(target)
            if target_layer < layer:
                wrong.append(
                    f"{name}:{line} imports {target}, which sits above it "
                    f"({LAYERS[target_layer][0]} over {LAYERS[layer][0]})"
                )
            elif target_layer == layer and target_home != home:
                wrong.append(
                    f"{name}:{line} imports {target}, a sibling on its own layer "
                    f"({LAYERS[layer][0]})"
                )
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles() -> None:
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for target in graph.get(node, {}):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert not cycles, "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_boundary_packages_have_one_importer() -> None:
    wrong = []
    known = _modules()
    for name, path in known.items():
        for imported, line in _imports(name, path, known):
            top = imported.split(".")[0]
            if top in OWNERS and name not in OWNERS[top]:
                wrong.append(f"{name}:{line} imports {top} (only {', '.join(OWNERS[top])} may)")
    assert not wrong, "\n".join(wrong)


def test_the_checker_finds_an_upward_import(tmp_path: Path) -> None:
    """The walk sees imports inside functions and under TYPE_CHECKING."""
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from slawriter.pipeline.render import Loaded\n"
        "def f():\n    from ..cli import main\n"
    )
    found = {module for module, _ in _imports("slawriter.model.probe", source, _modules())}
    assert "slawriter.pipeline.render" in found
    assert "slawriter.cli" in found
    assert _layer("slawriter.cli")[0] < _layer("slawriter.model.probe")[0]


def test_the_checker_finds_imports_by_name(tmp_path: Path) -> None:
    """Modules named by string to importlib.import_module or __import__ are imports too."""
    source = tmp_path / "probe.py"
    source.write_text(
        "import importlib\n"
        "from importlib import import_module\n"
        "def f(name):\n"
        "    importlib.import_module('slawriter.pipeline.render')\n"
        "    __import__('slawriter.cli')\n"
        "    import_module('..wizard', __package__)\n"
        "    importlib.import_module(f'slawriter.commands.{name}')\n"
        "    importlib.import_module(name)\n"
    )
    found = [module for module, _ in _imports("slawriter.model.probe", source, _modules())]
    assert found.count("importlib") == 2  # the two import statements
    assert sorted(set(found) - {"importlib"}) == [
        "slawriter.cli",
        "slawriter.commands",
        "slawriter.pipeline.render",
        "slawriter.wizard",
    ]


def test_the_calendar_check_sees_a_calendar_built_elsewhere(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "from slawriter.clock.engine import Calendar as Clock\n"
        "from slawriter.clock import engine\n"
        "a = Clock.always('24x7', 'UTC')\n"
        "b = Clock('x', 'UTC', hours)\n"
        "c = engine.Calendar('x', 'UTC', hours)\n"
        "d = calendars['x']\n"
        "f = shared(key, Clock, 'x', 'UTC', hours)\n"
        "class Calendar: ...\n"
        "e = Calendar()\n"  # a class of the module's own (the wizard has one)
    )
    assert _calendar_builders(source) == [3, 4, 5, 7]
