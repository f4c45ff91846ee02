"""Reviewing one recording: opening it, waveform pyramid, spectra, dynamics, comments, report."""
