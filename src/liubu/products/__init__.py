"""liubu.products."""
