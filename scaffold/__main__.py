"""``python -m scaffold`` runs the CLI (handy when the console script is not on PATH)."""

from .cli import main

main()
