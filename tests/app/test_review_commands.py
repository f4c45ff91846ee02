"""`pianoscope review FILE` checks the file before any window opens."""

from __future__ import annotations

from pianoscope.cli import build_parser, main


def test_review_is_a_sub_command_with_help():
    parser = build_parser()
    choices = parser._subparsers._group_actions[0].choices
    assert choices["review"].format_help().startswith("usage: pianoscope review")


def test_reviewing_a_missing_file_is_a_readable_error(tmp_path, capsys):
    assert main(["review", str(tmp_path / "missing.flac")]) == 2
    assert "missing.flac does not exist" in capsys.readouterr().err
