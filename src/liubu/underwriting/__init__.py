"""liubu.underwriting."""
