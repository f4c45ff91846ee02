"""One small error hierarchy whose messages are written for a teacher, not a stack trace."""

from __future__ import annotations


class PianoscopeError(Exception):
    """Base of every error Pianoscope raises on purpose; its message is shown to the user."""


class AudioDeviceError(PianoscopeError):
    """The sound input or output device is missing, busy, unplugged or cannot do what was asked."""


class AudioFileError(PianoscopeError):
    """An audio file cannot be read or written: empty, corrupt, unsupported, or the disk is full."""


class RecordingError(PianoscopeError):
    """A recording could not be started or finished; what was recorded so far is kept."""


class ModelError(PianoscopeError):
    """The classifier's weights are missing, damaged or do not fit this version of Pianoscope."""


class AnalysisError(PianoscopeError):
    """A recording could not be analysed (nothing audible, a time outside it, bad settings)."""


class CalibrationError(PianoscopeError):
    """The level calibration could not be measured (nothing, or too little, was played)."""


class LibraryError(PianoscopeError):
    """The library (its database, files, a backup or an import) cannot do what was asked."""


class EnrolmentError(PianoscopeError):
    """The teacher's pianos could not be enrolled, or an enrolment file cannot be used."""


class ScoreError(PianoscopeError):
    """A score cannot be used: unreadable or empty file, missing library, or another piece."""
