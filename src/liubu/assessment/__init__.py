"""liubu.assessment."""
