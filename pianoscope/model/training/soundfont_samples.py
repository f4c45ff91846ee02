"""Which recorded samples a SoundFont program plays, read from the SF2/SF3 preset tables.

Two programs that play the same samples are one recorded piano voiced differently: in
MuseScore_General_Lite the bright grand is the grand with its filter envelope opened by 300 cents,
and the honky-tonk adds a second layer detuned by 10 cents. The evaluation keeps such voicings
apart from pianos with samples of their own when it measures how often a piano the model never
heard is called `unknown` (see `pianoscope.model.training.evaluate`).

Only the "pdta" chunk (the preset, instrument and sample tables) is read; SF3 differs from SF2
only in how the sample data is compressed, so both are handled alike.
"""

from __future__ import annotations

import struct
from functools import cache
from pathlib import Path

from pianoscope.model.training.render import Instrument, soundfont_path

_GENERATOR_INSTRUMENT = 41
_GENERATOR_SAMPLE_ID = 53
_RECORD_FORMATS = {
    "phdr": "<20sHHHIII",
    "pbag": "<HH",
    "pgen": "<HH",
    "inst": "<20sH",
    "ibag": "<HH",
    "igen": "<HH",
}


class SoundFontFormatError(ValueError):
    """The file is not a SoundFont whose preset tables can be read."""


def shares_samples(first: Instrument, second: Instrument) -> bool:
    """True when the two programs play at least one common recorded sample."""
    if first.soundfont != second.soundfont:
        return False
    return bool(program_samples(first) & program_samples(second))


def program_samples(instrument: Instrument) -> frozenset[int]:
    """Indices (in the SoundFont's sample table) of every sample the program plays, bank 0."""
    presets = preset_samples(soundfont_path(instrument.soundfont))
    try:
        return presets[(0, instrument.program)]
    except KeyError:
        raise SoundFontFormatError(
            f"{instrument.soundfont} has no program {instrument.program} in bank 0"
        ) from None


@cache
def preset_samples(path: Path) -> dict[tuple[int, int], frozenset[int]]:
    """(bank, program) → sample indices, for every preset of the SoundFont at `path`.

    Raises SoundFontFormatError if the file is not a SoundFont or its tables are damaged.
    """
    tables = _read_tables(path)
    try:
        return _samples_by_preset(tables)
    except IndexError:
        raise SoundFontFormatError(f"{path.name}: preset tables point outside themselves") from None


def _samples_by_preset(tables: dict[str, list[tuple]]) -> dict[tuple[int, int], frozenset[int]]:
    phdr, pbag, pgen = tables["phdr"], tables["pbag"], tables["pgen"]
    inst, ibag, igen = tables["inst"], tables["ibag"], tables["igen"]
    presets: dict[tuple[int, int], frozenset[int]] = {}
    for index, header in enumerate(phdr[:-1]):  # the last record is the terminal "EOP"
        program, bank, first_bag = header[1], header[2], header[3]
        instruments = {
            amount
            for bag in range(first_bag, phdr[index + 1][3])
            for operator, amount in pgen[pbag[bag][0] : pbag[bag + 1][0]]
            if operator == _GENERATOR_INSTRUMENT
        }
        presets[(bank, program)] = frozenset(
            amount
            for i in instruments
            for bag in range(inst[i][1], inst[i + 1][1])
            for operator, amount in igen[ibag[bag][0] : ibag[bag + 1][0]]
            if operator == _GENERATOR_SAMPLE_ID
        )
    return presets


def _read_tables(path: Path) -> dict[str, list[tuple]]:
    """The preset tables; the (large) sample data is skipped, never read."""
    with path.open("rb") as file:
        header = file.read(12)
        if header[:4] != b"RIFF" or header[8:12] != b"sfbk":
            raise SoundFontFormatError(f"{path.name} is not a SoundFont (no RIFF sfbk header)")
        while len(chunk := file.read(8)) == 8:
            (size,) = struct.unpack("<I", chunk[4:])
            if chunk[:4] == b"LIST" and file.read(4) == b"pdta":
                return _parse_pdta(file.read(size - 4), path)
            if chunk[:4] == b"LIST":
                size -= 4
            # No pad byte after odd sizes: MuseScore_General_Lite.sf3 has an odd-sized sample
            # chunk without one, and its sizes are otherwise exact.
            file.seek(size, 1)
    raise SoundFontFormatError(f"{path.name} has no preset tables (pdta chunk)")


def _parse_pdta(data: bytes, path: Path) -> dict[str, list[tuple]]:
    raw: dict[str, bytes] = {}
    offset = 0
    while offset + 8 <= len(data):
        (size,) = struct.unpack("<I", data[offset + 4 : offset + 8])
        raw[data[offset : offset + 4].decode("ascii", "replace")] = data[
            offset + 8 : offset + 8 + size
        ]
        offset += 8 + size
    missing = set(_RECORD_FORMATS) - set(raw)
    if missing:
        raise SoundFontFormatError(f"{path.name}: preset tables missing: {sorted(missing)}")
    try:
        return {
            name: list(struct.iter_unpack(fmt, raw[name])) for name, fmt in _RECORD_FORMATS.items()
        }
    except struct.error as error:
        raise SoundFontFormatError(f"{path.name}: damaged preset tables ({error})") from None
