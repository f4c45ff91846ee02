"""The library's use cases: filing takes, analysing them, comparing takes."""
