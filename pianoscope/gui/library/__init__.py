"""Widgets of the library window: progress charts and the take comparison."""
