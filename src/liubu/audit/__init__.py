"""liubu.audit."""
