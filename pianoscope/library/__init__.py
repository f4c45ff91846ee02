"""The teacher's SQLite library of students, pieces, sessions and recordings."""
