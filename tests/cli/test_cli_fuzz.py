"""Fuzzing the command line: any argument list parses or ends in argparse's usage error (2)."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pianoscope.cli.main import build_parser

TOKENS = [
    "record",
    "devices",
    "analyse",
    "spectrum",
    "batch",
    "train",
    "evaluate",
    "--seconds",
    "--device",
    "--channel",
    "--rate",
    "--block",
    "--at",
    "--json",
    "--csv",
    "--midi",
    "--out",
    "--workers",
    "--scheduler",
    "--fft",
    "--window",
    "--speed",
    "--from-file",
    "--demo",
    "--no-labels",
    "-1",
    "0",
    "1e309",
    "nan",
    "inf",
    "take.flac",
    "",
    "--",
    "-",
    "x" * 300,
    "ünïcödé",
    "--verbose",
]
arguments = st.lists(st.sampled_from(TOKENS) | st.text(max_size=12), max_size=8)
TRIED = {"inputs": 0, "parsed": 0}


@settings(max_examples=600, deadline=None)
@given(argv=arguments)
def test_any_arguments_parse_or_exit_with_usage_error(argv):
    parser = build_parser()
    TRIED["inputs"] += 1
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            args = parser.parse_args(argv)
        except SystemExit as exit_:
            assert exit_.code in (0, 2)  # 0 only for --help/--version
            return
    TRIED["parsed"] += 1
    assert args.command is None or callable(args.run)


def test_report_cli_fuzz_count():
    print(f"\nCLI fuzz: {TRIED['inputs']} argument lists, {TRIED['parsed']} parsed")
    assert TRIED["inputs"] >= 600


@pytest.mark.parametrize("seconds", ["nan", "inf", "-1", "0", "ten"])
def test_nonsense_durations_are_refused_before_recording(seconds, tmp_path, capsys):
    from pianoscope.cli.main import main
    from pianoscope.resources_path import demo_recording_path

    argv = ["record", str(tmp_path / "t.flac"), f"--seconds={seconds}"]
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--from-file", str(demo_recording_path())])
    assert exit_.value.code == 2
    assert "number of seconds" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
