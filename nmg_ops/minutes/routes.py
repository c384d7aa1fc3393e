"""Pages of the minutes."""
