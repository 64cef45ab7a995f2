"""liubu.web."""
