"""Use cases shared by the GUI and the CLI: live session, analyse a file, the library."""
