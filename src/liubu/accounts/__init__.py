"""liubu.accounts."""
