"""The layers of DESIGN.md: only `pianoscope/gui/` imports Qt, and nothing below it imports the GUI.

Imports are read from the source (also those inside functions, which a lazy launcher would
use), so a violation is found without importing anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pianoscope"
GUI_ONLY = ("PySide6", "shiboken6", "pyqtgraph", "pianoscope.gui")
# The command line may open a window (lazily); every other module outside gui/ may not.
MAY_LAUNCH_THE_GUI = {PACKAGE / "cli" / "main.py"}


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, as dotted names (`from a import b` gives a and a.b)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def gui_imports(path: Path) -> list[str]:
    return sorted(
        name
        for name in imported_modules(path)
        if any(name == layer or name.startswith(layer + ".") for layer in GUI_ONLY)
    )


def modules_outside_gui() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if PACKAGE / "gui" not in path.parents and path not in MAY_LAUNCH_THE_GUI
    )


@pytest.mark.parametrize("layer", ["app", "library", "analysis", "model", "dsp", "audio"])
def test_layer_below_the_gui_imports_neither_qt_nor_the_gui(layer: str) -> None:
    modules = [path for path in modules_outside_gui() if PACKAGE / layer in path.parents]
    assert modules, f"no modules found in pianoscope/{layer}"
    offenders = {path.name: gui_imports(path) for path in modules if gui_imports(path)}
    assert offenders == {}


def test_every_module_outside_the_gui_and_the_command_line_is_qt_free() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): gui_imports(path)
        for path in modules_outside_gui()
        if gui_imports(path)
    }
    assert offenders == {}


def test_the_check_sees_a_lazy_gui_import(tmp_path: Path) -> None:
    module = tmp_path / "launcher.py"
    module.write_text("def run():\n    from pianoscope.gui.review.window import open_it\n")
    assert gui_imports(module) == [
        "pianoscope.gui.review.window",
        "pianoscope.gui.review.window.open_it",
    ]
