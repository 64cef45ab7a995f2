"""liubu.cli."""
