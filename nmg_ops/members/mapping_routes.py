"""Import and export of the B1MG expert mapping file."""
