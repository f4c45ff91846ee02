"""Reading which samples SoundFont programs play, and the held-out split that rests on it."""

from __future__ import annotations

import pytest

from pianoscope.model.training.evaluate import voicings_of_known_pianos
from pianoscope.model.training.render import (
    FLUIDR3,
    MUSESCORE_LITE,
    TIMGM,
    Instrument,
    soundfont_path,
)
from pianoscope.model.training.soundfont_samples import (
    SoundFontFormatError,
    preset_samples,
    program_samples,
    shares_samples,
)
from pianoscope.model.training.sources import HELD_OUT_PIANOS, KNOWN_PIANOS, TRAINING_NEGATIVES


def test_bright_and_honky_tonk_programs_play_only_their_soundfonts_grand_samples():
    for soundfont in (MUSESCORE_LITE, TIMGM):
        grand = program_samples(Instrument(soundfont, 0))
        for program in (1, 3):
            assert program_samples(Instrument(soundfont, program)) <= grand
    # FluidR3's honky-tonk (one of the four) is its grand's samples too.
    assert program_samples(Instrument(FLUIDR3, 3)) == program_samples(Instrument(FLUIDR3, 0))


def test_electric_grands_share_no_sample_with_any_known_piano():
    for electric_grand in (Instrument(FLUIDR3, 2), Instrument(MUSESCORE_LITE, 2)):
        assert program_samples(electric_grand)
        assert not any(shares_samples(electric_grand, known) for known in KNOWN_PIANOS)


def test_held_out_split_into_own_pianos_and_voicings_by_the_soundfonts():
    assert voicings_of_known_pianos() == {
        "MuseScore_General_Lite:1",
        "MuseScore_General_Lite:3",
        "TimGM6mb:1",
        "TimGM6mb:3",
    }
    assert len(HELD_OUT_PIANOS) - len(voicings_of_known_pianos()) == 2
    assert not set(HELD_OUT_PIANOS) & set(TRAINING_NEGATIVES)
    assert not set(HELD_OUT_PIANOS) & set(KNOWN_PIANOS)


def test_programs_of_different_soundfonts_never_share_samples():
    assert not shares_samples(Instrument(FLUIDR3, 0), Instrument(MUSESCORE_LITE, 0))


def test_every_general_midi_program_of_the_three_soundfonts_is_read():
    for soundfont in (FLUIDR3, MUSESCORE_LITE, TIMGM):
        presets = preset_samples(soundfont_path(soundfont))
        assert all((0, program) in presets for program in range(128))


@pytest.mark.parametrize(
    "content",
    [b"", b"RIFF\x00\x00\x00\x00WAVE", b"RIFF\x10\x00\x00\x00sfbkLIST\x04\x00\x00\x00pdta"],
)
def test_a_file_that_is_not_a_readable_soundfont_is_refused_clearly(tmp_path, content):
    path = tmp_path / "broken.sf2"
    path.write_bytes(content)
    with pytest.raises(SoundFontFormatError):
        preset_samples(path)


def test_a_program_the_soundfont_lacks_is_refused_clearly():
    with pytest.raises(SoundFontFormatError, match="no program 200"):
        program_samples(Instrument(TIMGM, 200))
