"""``scaffold loadtest``: placeholder replaced below."""
import click


@click.command("loadtest")
def loadtest() -> None:
    """Load test."""
