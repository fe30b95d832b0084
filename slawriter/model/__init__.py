"""The agreement and provider models, durations, hours and field paths (no I/O)."""
