"""liubu.core."""
