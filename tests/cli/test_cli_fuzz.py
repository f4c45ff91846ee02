"""Fuzzing the command line: any argument list parses or ends in argparse's usage error (2), and
every numeric option of every command takes only values in its stated range."""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pianoscope.cli.main import build_parser
from pianoscope.cli.numbers import RealNumber, WholeNumber

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
    "--force",
    "--epochs",
    "--threads",
    "4097",
    "1e10",
    "compare",
]
arguments = st.lists(st.sampled_from(TOKENS) | st.text(max_size=12), max_size=8)
TRIED = {"inputs": 0, "parsed": 0, "numbers": 0}


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


def _numeric_options(
    parser: argparse.ArgumentParser | None = None, command: str = ""
) -> list[tuple[str, str, object]]:
    """(command, option, argparse type) of every option that takes a number, of every command
    and sub-command (`library ...`), however deep."""
    found = []
    for action in (parser or build_parser())._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _numeric_options(sub, f"{command} {name}".strip())
        elif action.option_strings and isinstance(action.type, WholeNumber | RealNumber):
            found.append((command, action.option_strings[0], action.type))
    return found


NUMERIC_OPTIONS = _numeric_options()
NUMBER_TEXTS = (
    st.integers(min_value=-(10**12), max_value=10**12).map(str)
    | st.floats(allow_nan=True, allow_infinity=True).map(repr)
    | st.sampled_from(["nan", "-nan", "inf", "-inf", "1e309", "0x10", "1_000", " 7 ", "", "0.0"])
    | st.text(max_size=8)
)


def test_every_numeric_option_is_covered():
    options = {f"{command} {option}" for command, option, _ in NUMERIC_OPTIONS}
    assert {"spectrum --fft", "spectrum --at", "record --speed", "record --block"} <= options
    assert {"record --rate", "record --channel", "record --seconds", "batch --workers"} <= options
    assert {"train --epochs", "train --threads", "train --seed"} <= options
    assert {"compare --beats-per-bar", "compare --bars-per-section"} <= options
    assert {"compare --upbeat", "compare --section"} <= options
    assert {"analyse --calibration-db", "batch --calibration-db"} <= options


@pytest.mark.parametrize(
    ("command", "option", "number"),
    NUMERIC_OPTIONS,
    ids=[f"{c} {o}" for c, o, _ in NUMERIC_OPTIONS],
)
@settings(max_examples=100, deadline=None)
@given(text=NUMBER_TEXTS)
def test_a_numeric_option_takes_only_values_in_its_range(command, option, number, text):
    """Parsed through the real parser: a value comes out in range, or the usage error (2)."""
    argv = {
        "record": ["record", "t.flac", "--seconds", "1"],
        "spectrum": ["spectrum", "t.flac", "--at", "0"],
        "analyse": ["analyse", "t.flac"],
        "batch": ["batch", "in", "--out", "out"],
        "train": ["train"],
        "compare": ["compare", "reference.flac", "take.flac"],
    }[command]
    with contextlib.redirect_stderr(io.StringIO()) as stderr:
        try:
            args = build_parser().parse_args([*argv, f"{option}={text}"])
        except SystemExit as exit_:
            assert exit_.code == 2
            assert "is not a" in stderr.getvalue()
            return
    value = getattr(args, option.lstrip("-").replace("-", "_"))
    assert number.accepts(value)
    TRIED["numbers"] += 1


def test_report_cli_fuzz_count():
    print(
        f"\nCLI fuzz: {TRIED['inputs']} argument lists, {TRIED['parsed']} parsed; "
        f"{TRIED['numbers']} in-range values of {len(NUMERIC_OPTIONS)} numeric options"
    )
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
