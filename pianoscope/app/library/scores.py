"""A piece's score in the library: stored once, used for every take of the piece.

The score is read with `load_score` before it is stored, so a file that would not load never
replaces a good one. partitura reads from a path, so a stored score is written to a temporary
file with its original name to be loaded.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from pianoscope.app.review.comments import library_root_of
from pianoscope.errors import LibraryError, ScoreError
from pianoscope.library.paths import relative_inside
from pianoscope.library.records import PieceScoreFile
from pianoscope.library.store import Library
from pianoscope.progress import CancelToken, ProgressCallback, no_progress
from pianoscope.score.comparison import ScoreComparison
from pianoscope.score.loading import Score, load_score
from pianoscope.score.take import compare_take_file

MAX_SCORE_BYTES = 50 * 1024 * 1024


def attach_score(library: Library, piece_title: str, path: str | Path) -> PieceScoreFile:
    """Keep the score at `path` for the piece `piece_title` (created if new). Raises ScoreError
    for a file that is not a readable score; the piece's earlier score then stays."""
    path = Path(path)
    load_score(path)
    if path.stat().st_size > MAX_SCORE_BYTES:
        raise ScoreError(f"{path.name} is too large for a score ({path.stat().st_size >> 20} MB).")
    piece = library.ensure_piece(piece_title)
    return library.store_piece_score(piece.id, path.name, path.read_bytes())


@dataclass(frozen=True)
class StoredScore:
    """The score kept for the piece a take was filed under."""

    piece: str
    file: PieceScoreFile

    def load(self) -> Score:
        """The score, read (raises ScoreError if it no longer loads)."""
        return load_stored(self.file)


def load_stored(stored: PieceScoreFile) -> Score:
    """Read a stored score: partitura reads from a path, so it is written out first under its
    original name (the name tells partitura the format)."""
    with tempfile.TemporaryDirectory(prefix="pianoscope-score-") as folder:
        path = Path(folder) / Path(stored.file_name).name
        path.write_bytes(stored.content)
        return load_score(path)


def piece_score(library: Library, piece_id: int) -> Score | None:
    """The piece's stored score, loaded; None when the piece has none."""
    stored = library.piece_score(piece_id)
    return None if stored is None else load_stored(stored)


def stored_score_of_take(take: Path) -> StoredScore | None:
    """The score of the piece the take at `take` is filed under, when the take lies in a
    library, is filed under a piece, and that piece has a score; else None. Review windows
    call this, however the take was opened (library, live window, `pianoscope review`)."""
    root = library_root_of(take)
    if root is None:
        return None
    with Library.open(root) as library:
        recording = library.find_by_path(relative_inside(root, take))
        if recording is None or recording.piece_id is None or recording.piece is None:
            return None
        stored = library.piece_score(recording.piece_id)
    return None if stored is None else StoredScore(recording.piece, stored)


def compare_with_piece_score(
    library: Library,
    recording_id: int,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ScoreComparison:
    """Compare a filed take with the score stored for its piece."""
    recording = library.recording(recording_id)
    if recording.piece_id is None:
        raise LibraryError(f"Take {recording_id} is not filed under a piece, so it has no score.")
    score = piece_score(library, recording.piece_id)
    if score is None:
        raise LibraryError(
            f"No score is stored for {recording.piece}: add one with "
            f"`pianoscope library score {recording.piece!r} FILE`."
        )
    return compare_take_file(score, library.path_of(recording), progress=progress, cancel=cancel)
