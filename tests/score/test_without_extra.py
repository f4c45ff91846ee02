"""Without the `score` extra, reading a score or aligning says how to install it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

BLOCK_AND_RUN = textwrap.dedent(
    """
    import sys

    class Missing:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] == sys.argv[1]:
                raise ModuleNotFoundError(f"No module named {name!r}")

    sys.meta_path.insert(0, Missing())
    from pianoscope.errors import ScoreError
    from pianoscope.score.alignment import align_notes
    from pianoscope.score.loading import Score, ScoreNote, Bar, load_score
    from pianoscope.dsp.notes import NoteEvent
    try:
        if sys.argv[1] == "partitura":
            load_score(sys.argv[2])
        else:
            note = ScoreNote("n", 60, 0.0, 1.0, 1, 0, False, False, False, None)
            score = Score("s", (note,), (Bar(1, 0.0, 4.0, 4),), None)
            align_notes(score, [NoteEvent(0.0, 0.5, 60, 80, 1.0)])
    except ScoreError as error:
        print(error)
    """
)


def run_without(module: str, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_AND_RUN, module, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def test_reading_a_score_without_partitura_names_the_extra(score_folder: Path) -> None:
    message = run_without("partitura", str(score_folder / "piece_a.musicxml"))
    assert message == (
        "Reading scores needs partitura: install the score extra: pip install 'pianoscope[score]'."
    )


def test_aligning_without_parangonar_names_the_extra() -> None:
    assert run_without("parangonar") == (
        "Aligning with a score needs parangonar: install the score extra: "
        "pip install 'pianoscope[score]'."
    )
