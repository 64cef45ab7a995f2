"""liubu.api."""
