"""The layers of docs/ARCHITECTURE.md, enforced on the source.

- Imports point downwards only: foundation (errors, crash_points, progress, resources_path,
  atomic_files, numeric_threads, pinned_numerics) < audio < dsp < model < analysis < library
  < app < the two front ends, gui and cli.
- Only `pianoscope/gui/` imports Qt; nothing outside it imports the GUI, except the command
  line's lazy launcher (`cli/main.py` opens the window).
- The front ends do their work through `app/`: from the lower layers they import only the
  vocabulary (result types and their readable forms, labels, note names, constants), never
  the operations. Imports only for type checking (`if TYPE_CHECKING:`) name types, so they
  do not count.

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
RANK = {
    "__init__": 0, "errors": 0, "crash_points": 0, "progress": 1, "resources_path": 1,
    "atomic_files": 1, "numeric_threads": 1, "pinned_numerics": 1, "audio": 2, "dsp": 3,
    "model": 4, "transcription": 4.5, "analysis": 5, "score": 6, "library": 6, "app": 7,
    "gui": 8, "cli": 8, "__main__": 9,
}  # fmt: skip
FRONT_ENDS = ("gui", "cli")
# What a front end may take from below app/: types, labels, names and constants it shows, and
# pure readable forms of results (label runs, the score comparison's sentences).
VOCABULARY = {
    "pianoscope.analysis.label_runs", "pianoscope.analysis.meter", "pianoscope.analysis.result",
    "pianoscope.audio.recorder",
    "pianoscope.dsp.levels", "pianoscope.dsp.notes", "pianoscope.dsp.pitch",
    "pianoscope.dsp.windows", "pianoscope.library.comment_sidecar",
    "pianoscope.library.progress", "pianoscope.library.records", "pianoscope.library.store",
    "pianoscope.model.calibration", "pianoscope.model.enrolment", "pianoscope.model.labels",
    "pianoscope.score.alignment", "pianoscope.score.comparison", "pianoscope.score.loading",
    "pianoscope.score.report_text", "pianoscope.score.roll",
}  # fmt: skip


def import_statements(path: Path, *, at_run_time: bool = False) -> list[tuple[str, list[str]]]:
    """(module, names imported from it) for every absolute import in `path`; `import a` gives
    (a, []). With `at_run_time`, imports under `if TYPE_CHECKING:` are left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for_type_checking = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node.test)
        for inner in ast.walk(node)
    }
    statements: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if at_run_time and id(node) in for_type_checking:
            continue
        if isinstance(node, ast.Import):
            statements.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            statements.append((node.module, [alias.name for alias in node.names]))
    return statements


def _is_type_checking(test: ast.expr) -> bool:
    """`TYPE_CHECKING` or `typing.TYPE_CHECKING`."""
    name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", None)
    return name == "TYPE_CHECKING"


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, as dotted names (`from a import b` gives a and a.b)."""
    names: set[str] = set()
    for module, imported in import_statements(path):
        names.add(module)
        names.update(f"{module}.{name}" for name in imported)
    return names


def imported_from(path: Path, *, at_run_time: bool = False) -> set[str]:
    """The pianoscope modules `path` imports from (`from a import b` gives a only)."""
    return {
        module
        for module, _ in import_statements(path, at_run_time=at_run_time)
        if module.startswith("pianoscope.")
    }


def gui_imports(path: Path) -> list[str]:
    return sorted(
        name
        for name in imported_modules(path)
        if any(name == layer or name.startswith(layer + ".") for layer in GUI_ONLY)
    )


def source_modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "resources" not in path.parts)


def layer_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def modules_outside_gui() -> list[Path]:
    return [
        path
        for path in source_modules()
        if layer_of(path) != "gui" and path not in MAY_LAUNCH_THE_GUI
    ]


@pytest.mark.parametrize(
    "layer",
    ["app", "library", "analysis", "score", "transcription", "model", "dsp", "audio", "cli"],
)
def test_layer_below_the_gui_imports_neither_qt_nor_the_gui(layer: str) -> None:
    modules = [path for path in modules_outside_gui() if layer_of(path) == layer]
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


def test_imports_point_downwards_only() -> None:
    offenders = {}
    for path in source_modules():
        rank = RANK[layer_of(path)]
        upward = sorted(
            module
            for module in imported_from(path)
            if RANK[module.split(".")[1]] >= rank
            and module.split(".")[1] != layer_of(path)
            and path not in MAY_LAUNCH_THE_GUI
        )
        if upward:
            offenders[str(path.relative_to(PACKAGE))] = upward
    assert offenders == {}


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_front_ends_work_through_app(front_end: str) -> None:
    offenders = {}
    for path in source_modules():
        if layer_of(path) != front_end:
            continue
        direct = sorted(
            module
            for module in imported_from(path, at_run_time=True)
            if RANK[module.split(".")[1]] < RANK["app"]
            and RANK[module.split(".")[1]] > RANK["progress"]
            and module not in VOCABULARY
        )
        if direct:
            offenders[str(path.relative_to(PACKAGE))] = direct
    assert offenders == {}


def test_the_check_sees_a_lazy_gui_import(tmp_path: Path) -> None:
    module = tmp_path / "launcher.py"
    module.write_text("def run():\n    from pianoscope.gui.review.window import open_it\n")
    assert gui_imports(module) == [
        "pianoscope.gui.review.window",
        "pianoscope.gui.review.window.open_it",
    ]


def test_the_direction_check_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "upward.py"
    module.write_text("def run():\n    from pianoscope.app.review.opening import open_recording\n")
    assert imported_from(module) == {"pianoscope.app.review.opening"}
    assert RANK["app"] > RANK["dsp"]


def test_type_checking_imports_are_left_out_only_when_asked(tmp_path: Path) -> None:
    module = tmp_path / "typed.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from pianoscope.dsp.frame import FrameAnalysis\n"
        "def run():\n"
        "    from pianoscope.dsp.stft import spectrum\n"
    )
    assert imported_from(module) == {"pianoscope.dsp.frame", "pianoscope.dsp.stft"}
    assert imported_from(module, at_run_time=True) == {"pianoscope.dsp.stft"}
