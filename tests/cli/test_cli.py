"""The `pianoscope` command itself: entry points, version, help, error reporting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pianoscope import __version__
from pianoscope.cli.main import build_parser, main


def test_python_dash_m_and_console_script_both_run():
    """The console script is the one installed next to this interpreter (the venv's), which
    need not be on PATH: `bash scripts/dev.sh test` does not activate the venv."""
    script = Path(sys.executable).with_name("pianoscope")
    assert script.is_file(), f"the console script is not installed next to {sys.executable}"
    for command in ([str(script)], [sys.executable, "-m", "pianoscope"]):
        finished = subprocess.run(
            [*command, "--version"], capture_output=True, text=True, check=False
        )
        assert finished.returncode == 0
        assert finished.stdout.strip() == f"pianoscope {__version__}"


def test_every_sub_command_has_help():
    parser = build_parser()
    choices = parser._subparsers._group_actions[0].choices
    assert {"devices", "record"} <= set(choices)
    for name, sub in choices.items():
        assert sub.format_help().startswith("usage: pianoscope " + name)


def test_pianoscope_error_becomes_a_message_and_exit_code_2(tmp_path, capsys):
    code = main(["record", str(tmp_path / "x.mp3"), "--seconds", "1", "--from-file", "nope.wav"])
    assert code == 2
    assert "pianoscope:" in capsys.readouterr().err


def test_review_is_a_sub_command_with_help():
    choices = build_parser()._subparsers._group_actions[0].choices
    assert choices["review"].format_help().startswith("usage: pianoscope review")


def test_reviewing_a_missing_file_is_a_readable_error(tmp_path, capsys):
    assert main(["review", str(tmp_path / "missing.flac")]) == 2
    assert "missing.flac does not exist" in capsys.readouterr().err


def test_a_reader_that_stops_early_ends_the_output_quietly():
    """`pianoscope analyse FILE | head`: the pipe closes, no traceback is printed.

    The reader here (`true`) exits before reading anything, so every write hits a closed pipe.
    """
    from pianoscope.resources_path import demo_recording_path

    command = f"'{sys.executable}' -m pianoscope analyse --no-labels '{demo_recording_path()}'"
    finished = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command} | true"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in finished.stderr
    assert "BrokenPipe" not in finished.stderr
    assert finished.returncode == 0


@pytest.mark.parametrize(
    "arguments", [["--version"], ["--help"], ["analyse", "--help"], ["library", "--help"]]
)
def test_version_and_help_answer_without_loading_scipy_torch_or_qt(arguments: list[str]):
    """Asking the command what it is must not wait for the analysis stack to load."""
    probe = (
        "import sys\n"
        "from pianoscope.cli.main import main\n"
        "try:\n"
        f"    main({arguments!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('scipy', 'torch', 'PySide6') if m in sys.modules))\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert finished.stdout.splitlines()[-1] == "[]"
