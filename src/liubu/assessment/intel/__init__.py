"""Vulnerability intelligence."""
