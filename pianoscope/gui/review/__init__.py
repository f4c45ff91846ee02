"""Widgets of the review window (one recording on a shared time axis)."""
