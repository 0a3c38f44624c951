"""The shape of calc/ a maintainer relies on: no import cycle, one error base class, one code
pattern, and api.py only dispatching."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

import calc
from calc.errors import CalcError

CALC_DIR = Path(calc.__file__).parent
MODULES = sorted(p.stem for p in CALC_DIR.glob("*.py"))
# Modules being rewritten by the importer's owner: schedule.DataError (translated by
# calc.api.handle meanwhile) and importer.ImportError_ are to derive from CalcError there.
ELSEWHERE = {"calc.schedule", "calc.importer"}


def calc_imports(path: Path) -> set[str]:
    """The calc modules a source file imports, at any depth (inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "calc":
                found.update(a.name if a.name in MODULES else "__init__" for a in node.names)
            elif node.module.startswith("calc."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("calc."))
    return found


def import_graph() -> dict[str, set[str]]:
    return {name: calc_imports(CALC_DIR / f"{name}.py") - {name} for name in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path of module names, or None (depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_calc_has_no_import_cycle() -> None:
    assert find_cycle(import_graph()) is None, " -> ".join(find_cycle(import_graph()) or [])


def test_the_cycle_finder_finds_a_cycle(tmp_path: Path) -> None:
    # api -> checks -> api was the cycle calc had (api imported checks inside a function).
    graph = {"api": {"checks"}, "checks": {"api", "units"}, "units": set()}
    assert find_cycle(graph) == ["api", "checks", "api"]
    assert find_cycle({"api": {"checks"}, "checks": {"units"}, "units": set()}) is None
    source = tmp_path / "x.py"
    source.write_text(
        "import calc.money\nfrom calc import handle\ndef f():\n    from calc.api import parse\n"
    )
    assert calc_imports(source) == {"money", "__init__", "api"}


def test_every_calc_error_derives_from_calc_error() -> None:
    found = []
    for name in MODULES:
        module = importlib.import_module(f"calc.{name}" if name != "__init__" else "calc")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__.startswith("calc."):
                found.append(cls)
    strays = [c.__qualname__ for c in found if not issubclass(c, CalcError) and c.__module__ not in ELSEWHERE]
    assert strays == []
    assert len(found) >= 5  # CalcError, InputError, MoneyInputError, RuleDataError, UnknownRuleError


def test_one_code_pattern_and_one_code_length() -> None:
    patterns = []
    for name in MODULES:
        text = (CALC_DIR / f"{name}.py").read_text(encoding="utf-8")
        if "CODE_LENGTH: Final" in text or "CODE_PATTERN: Final" in text:
            patterns.append(name)
    assert patterns == ["fields"]


def test_api_only_dispatches() -> None:
    tree = ast.parse((CALC_DIR / "api.py").read_text(encoding="utf-8"))
    functions = sorted(n.name for n in tree.body if isinstance(n, ast.FunctionDef))
    assert functions == ["error_answer", "handle"]


@pytest.mark.parametrize("name", MODULES)
def test_modules_import_alone(name: str) -> None:
    importlib.import_module(f"calc.{name}" if name != "__init__" else "calc")
