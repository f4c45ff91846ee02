"""Offline analysis of a whole recording into an Analysis and its JSON/CSV/MIDI exports."""
