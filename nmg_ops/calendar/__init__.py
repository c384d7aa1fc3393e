"""Calendar output: iCalendar files for meetings."""
