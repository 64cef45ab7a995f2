"""liubu.store."""
