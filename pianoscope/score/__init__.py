"""A take against its score: load the piece, align the playing note by note, and say per bar
what departs from it (docs/score.md). Qt-free; needs the `score` extra (partitura, parangonar)."""
