"""The live use case: engine, analysis of the newest audio, classifier thread, settings."""
