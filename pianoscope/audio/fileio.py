"""Load any recording libsndfile reads as float32 mono at 44.1 kHz, block by block.

Long files are never read whole: `iter_audio_blocks` reads a bounded block, mixes it to mono and
resamples it with `scipy.signal.resample_poly` using enough context on both sides that the blocks
join exactly as if the whole file had been resampled at once.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from pianoscope.errors import AudioFileError

log = logging.getLogger(__name__)

SAMPLE_RATE_HZ = 44_100
DEFAULT_BLOCK_S = 10.0
# resample_poly's default Kaiser filter spans 10 * max(up, down) taps on each side of the
# upsampled signal; this many input samples of context (rounded up) make block edges exact.
_FILTER_HALF_LENGTH_FACTOR = 10
_SALVAGE_STEP_FRAMES = 1024
# At most this many samples (all channels) are read at once: 16 MB of float32.
MAX_BLOCK_SAMPLES = 4_000_000
# Sample rates outside this range are not audio Pianoscope can use (or a damaged header).
MIN_SAMPLE_RATE_HZ = 1_000
# Float files may go past full scale (±1), but not by 60 dB: such values are damage, not sound.
MAX_SAMPLE_MAGNITUDE = 1_000.0
MAX_SAMPLE_RATE_HZ = 768_000
# Exact resampling ratios with larger terms (odd rates such as 44 101 Hz) would need filters of
# millions of taps; they are approximated within about one part per million instead.
MAX_RATIO_TERM = 1_000
# A whole recording loaded at once is held in memory (float32 at 44.1 kHz: 635 MB an hour):
# longer than this is refused, not swapped to death. A file's size does not bound its length:
# 11 KB of FLAC holds an hour of silence at 1 kHz.
MAX_LOAD_S = 3 * 3600.0


@dataclass(frozen=True)
class AudioInfo:
    """What a recording's header says about it."""

    path: Path
    sample_rate_hz: int
    channels: int
    frames: int
    format: str
    subtype: str

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate_hz if self.sample_rate_hz else 0.0


def probe_audio(path: str | Path) -> AudioInfo:
    """Read the header of an audio file; raises AudioFileError if it is not a readable recording."""
    path = Path(path)
    with _open(path) as handle:
        return _info(path, handle)


def iter_audio_blocks(
    path: str | Path,
    *,
    sample_rate_hz: int = SAMPLE_RATE_HZ,
    block_s: float = DEFAULT_BLOCK_S,
    channel: int | None = None,
) -> Iterator[np.ndarray]:
    """Yield consecutive float32 mono blocks of about `block_s` seconds at `sample_rate_hz`.

    `channel` picks one input channel (0-based); None mixes all channels to mono. Memory stays
    bounded by the block size whatever the file's length. Raises AudioFileError for unreadable
    files and for samples that are NaN or infinite.
    """
    path = Path(path)
    with _open(path) as handle:
        info = _info(path, handle)
        yield from _blocks(handle, info, sample_rate_hz, block_s, channel)


def _blocks(
    handle: sf.SoundFile,
    info: AudioInfo,
    sample_rate_hz: int,
    block_s: float,
    channel: int | None,
) -> Iterator[np.ndarray]:
    """`iter_audio_blocks` of an open file whose header says `info`."""
    if info.frames == 0:
        raise AudioFileError(f"{info.path.name} holds no audio (it is empty or only a header).")
    if channel is not None and not 0 <= channel < info.channels:
        raise AudioFileError(
            f"{info.path.name} has {info.channels} channel(s); "
            f"channel {channel + 1} does not exist."
        )
    up, down = resampling_ratio(info.sample_rate_hz, sample_rate_hz)
    context = 0 if up == down else _context_frames(up, down)
    # Bounded by samples, not seconds: a header may claim hundreds of channels.
    wanted = min(int(block_s * info.sample_rate_hz), MAX_BLOCK_SAMPLES // info.channels)
    block_frames = max(down, context, wanted // down * down)
    yield from _resampled_blocks(handle, info, channel, up, down, block_frames, context)


def load_audio(
    path: str | Path,
    *,
    sample_rate_hz: int = SAMPLE_RATE_HZ,
    channel: int | None = None,
    max_duration_s: float = MAX_LOAD_S,
) -> np.ndarray:
    """Load a whole recording as float32 mono at `sample_rate_hz` (see `iter_audio_blocks`).
    Raises AudioFileError as soon as more than `max_duration_s` of it is read (a long
    recording is analysed in blocks instead; the header's length is not trusted for this,
    a damaged one may claim less than the file holds).

    The blocks are written into one array sized from the header's length, so a long recording
    takes its own size in memory, not twice it (blocks, then their join); a header that claims
    too little costs the array growing as it fills, one that claims too much only address
    space (the pages never written are never used)."""
    path = Path(path)
    limit = int(max_duration_s * sample_rate_hz)
    with _open(path) as handle:
        info = _info(path, handle)
        expected = math.ceil(info.frames * sample_rate_hz / info.sample_rate_hz) + 1
        samples = np.empty(min(expected, limit), dtype=np.float32)
        kept = 0
        for block in _blocks(handle, info, sample_rate_hz, DEFAULT_BLOCK_S, channel):
            if kept + block.size > limit:
                raise AudioFileError(
                    f"{path.name} is longer than {_duration_text(max_duration_s)}, more than "
                    "Pianoscope loads into memory at once; cut it into shorter recordings."
                )
            if kept + block.size > samples.size:
                size = min(limit, max(2 * samples.size, kept + block.size))
                samples = _grown(samples, kept, size)
            samples[kept : kept + block.size] = block
            kept += block.size
    samples.resize(kept, refcheck=False)  # in place: nothing else refers to it
    return samples


def _grown(samples: np.ndarray, kept: int, size: int) -> np.ndarray:
    """A larger array holding the first `kept` samples."""
    larger = np.empty(size, dtype=np.float32)
    larger[:kept] = samples[:kept]
    return larger


def _duration_text(seconds: float) -> str:
    """`seconds` as a person reads a length: '3 hours', '10 minutes', '45 seconds'."""
    for unit, size in (("hour", 3600.0), ("minute", 60.0)):
        if seconds >= size:
            count = seconds / size
            return f"{count:g} {unit}{'s' if count != 1 else ''}"
    return f"{seconds:g} second{'s' if seconds != 1 else ''}"


def write_audio(
    path: str | Path, samples: np.ndarray, sample_rate_hz: int = SAMPLE_RATE_HZ
) -> None:
    """Write float samples as WAV/FLAC/OGG (by extension); raises AudioFileError on failure."""
    path = Path(path)
    subtype = "PCM_16" if path.suffix.lower() in {".flac", ".wav"} else None
    try:
        sf.write(str(path), np.asarray(samples, dtype=np.float32), sample_rate_hz, subtype=subtype)
    except (sf.LibsndfileError, OSError, TypeError, ValueError) as error:
        raise AudioFileError(f"Could not write {path.name}: {_reason(error)}") from error


def _open(path: Path) -> sf.SoundFile:
    try:
        if not path.exists():
            raise AudioFileError(f"{path} does not exist.")
        if path.is_dir():
            raise AudioFileError(f"{path} is a folder, not an audio file.")
        if path.stat().st_size == 0:
            raise AudioFileError(f"{path.name} is empty (0 bytes).")
        # libsndfile reports an unreadable file as an unknown format: ask the system first.
        with open(path, "rb"):
            pass
    except PermissionError as error:
        raise AudioFileError(
            f"Permission denied: {path} (or its folder) may not be read by this user account."
        ) from error
    except OSError as error:
        raise AudioFileError(f"{path} cannot be opened: {error.strerror or error}.") from error
    try:
        return sf.SoundFile(str(path))
    except (sf.LibsndfileError, RuntimeError, OSError, TypeError, ValueError) as error:
        raise AudioFileError(
            f"{path.name} is not an audio file Pianoscope can read ({_reason(error)}). "
            "WAV, FLAC, OGG and the other formats of libsndfile are supported."
        ) from error


def _info(path: Path, handle: sf.SoundFile) -> AudioInfo:
    if handle.channels <= 0:
        raise AudioFileError(f"{path.name} has an invalid header (no channels).")
    if not MIN_SAMPLE_RATE_HZ <= handle.samplerate <= MAX_SAMPLE_RATE_HZ:
        raise AudioFileError(
            f"{path.name} says its sample rate is {handle.samplerate} Hz, which is not a rate "
            "of recorded sound; the file is damaged or not a recording."
        )
    return AudioInfo(
        path=path,
        sample_rate_hz=int(handle.samplerate),
        channels=int(handle.channels),
        frames=max(0, int(handle.frames)),
        format=handle.format,
        subtype=handle.subtype,
    )


def resampling_ratio(from_hz: int, to_hz: int) -> tuple[int, int]:
    """(up, down) for resample_poly: exact for the usual rates, close for odd ones."""
    ratio = Fraction(to_hz, from_hz)
    if max(ratio.numerator, ratio.denominator) > MAX_RATIO_TERM:
        ratio = ratio.limit_denominator(MAX_RATIO_TERM)
        log.warning("resampling %d Hz to %d Hz approximately (%s)", from_hz, to_hz, ratio)
    return ratio.numerator, ratio.denominator


def _context_frames(up: int, down: int) -> int:
    """Input frames of context, a multiple of `down`, covering the resampling filter's reach."""
    reach = math.ceil(_FILTER_HALF_LENGTH_FACTOR * max(up, down) / up) + 1
    return math.ceil(reach / down) * down


def _resampled_blocks(
    handle: sf.SoundFile,
    info: AudioInfo,
    channel: int | None,
    up: int,
    down: int,
    block_frames: int,
    context: int,
) -> Iterator[np.ndarray]:
    """Read blocks of `block_frames` (a multiple of `down`) plus context, resample, trim, yield."""
    if up == down:
        while (block := _read_mono(handle, info, channel, block_frames)).size:
            yield block
        return
    history = np.zeros(0, dtype=np.float32)
    pending = _read_mono(handle, info, channel, block_frames)
    start_frame = 0
    while pending.size:
        lookahead = _read_mono(handle, info, channel, block_frames)
        window = np.concatenate([history, pending, lookahead[:context]])
        resampled = resample_poly(window, up, down)
        first = history.size * up // down
        count = _output_count(start_frame + pending.size, up, down) - _output_count(
            start_frame, up, down
        )
        yield resampled[first : first + count].astype(np.float32)
        history = np.concatenate([history, pending])[-context:]
        start_frame += pending.size
        pending = lookahead


def _output_count(input_frames: int, up: int, down: int) -> int:
    """Output length resample_poly gives for `input_frames` input samples."""
    return math.ceil(input_frames * up / down)


def _read_mono(
    handle: sf.SoundFile, info: AudioInfo, channel: int | None, frames: int
) -> np.ndarray:
    """Read up to `frames` frames as float32 mono; a damaged tail ends the file where it breaks."""
    data = _read_salvaging(handle, info, frames)
    if data.size == 0:
        return np.zeros(0, dtype=np.float32)
    if channel is not None:
        mono = data[:, channel]
    elif data.shape[1] == 1:
        mono = data[:, 0]
    else:
        with np.errstate(invalid="ignore", over="ignore"):  # non-finite input is reported below
            mono = data.mean(axis=1, dtype=np.float32)
    peak = float(np.max(np.abs(mono)))  # NaN if any sample is NaN
    if not math.isfinite(peak):
        bad = int(np.flatnonzero(~np.isfinite(mono))[0]) + handle.tell() - data.shape[0]
        raise AudioFileError(
            f"{info.path.name} contains invalid samples (NaN or infinity) "
            f"at {bad / info.sample_rate_hz:.2f} s; the file is damaged."
        )
    if peak > MAX_SAMPLE_MAGNITUDE:
        bad = int(np.argmax(np.abs(mono) > MAX_SAMPLE_MAGNITUDE)) + handle.tell() - data.shape[0]
        raise AudioFileError(
            f"{info.path.name} has sample values of {peak:.3g} at "
            f"{bad / info.sample_rate_hz:.2f} s, far beyond full scale (±1); "
            "the file is damaged or was saved with the wrong scale."
        )
    return np.ascontiguousarray(mono, dtype=np.float32)


def _read_salvaging(handle: sf.SoundFile, info: AudioInfo, frames: int) -> np.ndarray:
    """Read `frames` frames; if the decoder fails part-way, return the frames before the damage.

    A failed read leaves libsndfile's position undefined, so the block is re-read from its start
    in small steps until the step that fails. A damaged header may also claim fewer frames than
    were already read, and soundfile then fails to size its buffer (ValueError): damage too.
    """
    if handle.closed:
        return np.zeros((0, info.channels), np.float32)
    start = handle.tell()
    try:
        return handle.read(frames, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError) as error:
        reason = error
    good: list[np.ndarray] = []
    try:
        handle.seek(start)
        while sum(part.shape[0] for part in good) < frames:
            part = handle.read(_SALVAGE_STEP_FRAMES, dtype="float32", always_2d=True)
            if part.shape[0] == 0:
                break
            good.append(part)
    except (sf.LibsndfileError, RuntimeError, ValueError):
        pass
    _mark_exhausted(handle)
    kept_s = (start + sum(part.shape[0] for part in good)) / info.sample_rate_hz
    log.warning(
        "%s is damaged after %.2f s (%s); reading stops there", info.path.name, kept_s, reason
    )
    return np.concatenate(good)[:frames] if good else np.zeros((0, info.channels), np.float32)


def _mark_exhausted(handle: sf.SoundFile) -> None:
    """After damage, make further reads return nothing (seek to the end if possible)."""
    try:
        handle.seek(0, sf.SEEK_END)
    except (sf.LibsndfileError, RuntimeError):
        handle.close()


def _reason(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[-1] if text else type(error).__name__
