"""A contract through time: locks, stages, changes, avenants, redlines, versions."""
