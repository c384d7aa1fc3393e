"""Pages of the actions."""
