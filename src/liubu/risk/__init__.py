"""liubu.risk."""
