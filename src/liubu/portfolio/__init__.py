"""liubu.portfolio: the book as a whole — statistics for regulators (and, later, accumulation)."""
