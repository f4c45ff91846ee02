"""Shipped data files: weights, demo recording, model card (see README.md here)."""
