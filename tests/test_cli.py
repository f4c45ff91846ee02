"""The `pianoscope` command itself: entry points, version, help, error reporting."""

from __future__ import annotations

import subprocess
import sys

from pianoscope import __version__
from pianoscope.cli import build_parser, main


def test_python_dash_m_and_console_script_both_run():
    for command in (["pianoscope"], [sys.executable, "-m", "pianoscope"]):
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
