"""Pianoscope: record and analyse piano playing."""

from __future__ import annotations

__version__ = "0.1.0"
