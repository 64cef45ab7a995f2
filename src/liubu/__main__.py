"""``python -m liubu`` runs the CLI."""

from liubu.cli.app import main

main()
