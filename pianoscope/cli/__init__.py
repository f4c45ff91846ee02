"""The `pianoscope` command line: the parser and one module of sub-commands per feature."""
