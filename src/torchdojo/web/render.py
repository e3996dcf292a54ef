"""Markdown to HTML for the web app: statements, explanations, card answers.

CommonMark with tables; raw HTML in the source is escaped, not passed through. Maths written
as ``$…$`` or ``$$…$$`` comes out as ``<span class="math inline">`` / ``<div class="math
block">`` holding the TeX, which the page typesets with the bundled KaTeX (so an underscore in
a formula never turns into emphasis).
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from torchdojo.cjk import join_wrapped


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return md.use(dollarmath_plugin, allow_space=True, double_inline=True)


def to_html(markdown: str) -> str:
    """The HTML of a Markdown text (no raw HTML; maths left for KaTeX; lines that wrap inside
    Chinese text joined without a space)."""
    return _md().render(join_wrapped(markdown))
