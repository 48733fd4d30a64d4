"""Bodies, committees, measures and the hearings residents testify at."""
