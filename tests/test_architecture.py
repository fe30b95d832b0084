"""Imports flow one way, with no cycles, as tests/layers.py says."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.layers import LAYERS, OWNERS

PACKAGE = Path(__file__).resolve().parent.parent / "slawriter"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """Every module this one imports (absolute names), with the line, wherever it stands."""
    tree = ast.parse(path.read_text(), str(path))
    is_package = path.name == "__init__.py"
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
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


def _layer(module: str) -> tuple[int, str]:
    best: tuple[int, int, str] | None = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            inside = module == prefix or module.startswith(prefix + ".")
            if inside and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index, prefix)
    assert best is not None, f"{module} is in no layer of tests/layers.py"
    return best[1], best[2]


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
    for name in _modules():
        _layer(name)


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
