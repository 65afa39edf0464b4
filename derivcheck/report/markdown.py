"""The proof trace as markdown: `$$` blocks that GitHub renders."""
from .latex import markdown


def render(report, stream, **options):
    stream.write(markdown(report))
