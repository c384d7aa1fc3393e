"""Pages of the decisions register."""
