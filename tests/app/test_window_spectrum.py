"""`pianoscope spectrum`'s use case: the corrected spectrum of one window of a recording."""

from __future__ import annotations

import numpy as np
import pytest
from support.synthetic_recordings import PLAYED

from pianoscope.app.window_spectrum import analyse_window_at, spectrum_json
from pianoscope.errors import AnalysisError


def test_spectrum_at_a_time_gives_the_note_its_partials_and_b(arpeggio_file) -> None:
    onset_s, _ = PLAYED[2]  # G4
    data = spectrum_json(analyse_window_at(arpeggio_file, onset_s + 0.05), onset_s + 0.05)
    print("\n", {k: v for k, v in data.items() if k != "partials"})
    assert data["note"] == "G4" and abs(data["cents"]) < 2.0 and data["fft_size"] == 8192
    assert data["inharmonicity_b"] == pytest.approx(3e-4, rel=0.2)
    first = data["partials"][0]
    assert set(first) == {"freq_hz", "amp_db", "a1_hz", "t60_s", "harmonic", "cents_from_harmonic"}
    assert first["harmonic"] == 1 and first["cents_from_harmonic"] == pytest.approx(0.0, abs=0.5)
    # The tone decays at 1.5 + 0.4 n per second: a1 = decay / 2 pi.
    assert first["a1_hz"] == pytest.approx(1.9 / (2 * np.pi), rel=0.1)


def test_a_moment_outside_the_recording_is_reported(arpeggio_file) -> None:
    with pytest.raises(AnalysisError, match="outside"):
        analyse_window_at(arpeggio_file, 99.0)
