"""The wheel users install works on its own: every module, the command line and the window.

The development install is editable, so a package left out of the wheel would go unnoticed
there. This test builds the wheel, installs it (not editable, no checkout on the path) into a
fresh virtual environment and runs it from a folder outside the checkout. The fresh
environment borrows the dependencies (Qt, numpy, torch, ...) from this one through a path
file, so nothing is downloaded; the pianoscope it imports is the wheel's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TIMEOUT_S = 300

IMPORT_EVERY_MODULE = """
import importlib, pkgutil, pianoscope
modules = [m.name for m in pkgutil.walk_packages(pianoscope.__path__, "pianoscope.")
           if not m.name.endswith("__main__")]
for name in modules:
    importlib.import_module(name)
print(pianoscope.__file__)
print(len(modules))
"""

OPEN_THE_WINDOW = """
import sys
from pianoscope.gui.live.main_window import MainWindow
from pianoscope.gui.qt import QtWidgets
from pianoscope.library.store import Library

app = QtWidgets.QApplication(sys.argv[:1])
library = Library.open(sys.argv[1])
window = MainWindow(library=library)
window.show()
app.processEvents()
print(window.isVisible(), window.windowTitle())
window.close()
window.take_filer.wait_idle(60)
library.close()
"""


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the built wheel installed; returns its bin/ folder."""
    folder = tmp_path_factory.mktemp("wheel")
    # Built from a clean copy: setuptools reuses a checkout's build/ folder, whose stale
    # modules would hide a package missing from the wheel.
    source = folder / "source"
    leave_out = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__")
    shutil.copytree(REPO, source, symlinks=True, ignore=shutil.ignore_patterns(*leave_out))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(folder / "dist"), str(source)],
        check=True, timeout=TIMEOUT_S,
    )  # fmt: skip
    (wheel,) = (folder / "dist").glob("pianoscope-*.whl")
    environment = folder / "venv"
    venv.create(environment, with_pip=False)
    python = environment / "bin" / "python"
    fresh_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    # The dependencies come from this environment; its editable pianoscope does not (a path
    # line in a .pth file adds a folder, it does not run that folder's own .pth files).
    Path(fresh_site, "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "-q", str(wheel)],
        check=True, timeout=TIMEOUT_S,
    )  # fmt: skip
    return environment / "bin"


def run_installed(bin_folder: Path, *command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(bin_folder / command[0]), *command[1:]],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )  # fmt: skip


def test_every_module_of_the_wheel_imports_from_the_installed_package(
    installed_wheel: Path, tmp_path: Path
) -> None:
    finished = run_installed(installed_wheel, "python", "-c", IMPORT_EVERY_MODULE, cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr
    location, count = finished.stdout.split()
    assert Path(location).is_relative_to(installed_wheel.parent)
    source_modules = [
        path
        for path in (REPO / "pianoscope").rglob("*.py")
        if path.name != "__main__.py" and "resources" not in path.parts
    ]
    assert int(count) == len(source_modules)


def test_the_installed_command_answers_and_analyses_the_demo(
    installed_wheel: Path, tmp_path: Path
) -> None:
    version = run_installed(installed_wheel, "pianoscope", "--version", cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("pianoscope ")
    demo = run_installed(
        installed_wheel, "python", "-c",
        "from pianoscope.resources_path import demo_recording_path; print(demo_recording_path())",
        cwd=tmp_path,
    )  # fmt: skip
    assert Path(demo.stdout.strip()).is_relative_to(installed_wheel.parent), demo.stderr
    out = tmp_path / "demo.json"
    analysed = run_installed(
        installed_wheel, "pianoscope", "analyse", demo.stdout.strip(), "--json", str(out),
        cwd=tmp_path,
    )  # fmt: skip
    assert analysed.returncode == 0, analysed.stderr
    analysis = json.loads(out.read_text())
    assert len(analysis["notes"]) > 10
    # The shipped weights came with the wheel: the segments are labelled.
    assert any(segment["piano"] is not None for segment in analysis["segments"])


def test_the_installed_window_opens(installed_wheel: Path, tmp_path: Path) -> None:
    finished = run_installed(
        installed_wheel, "python", "-c", OPEN_THE_WINDOW, str(tmp_path / "library"), cwd=tmp_path
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith("True Pianoscope")
