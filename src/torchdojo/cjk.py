"""Join the lines of a Markdown paragraph that wrap inside Chinese text, before rendering.

The bank's sources wrap at about 100 columns, and Markdown turns a line break inside a
paragraph into a space: right for English, wrong for Chinese, where "任何张量\\n都能工作" must read
"任何张量都能工作". Both renderers (Rich in the terminal, markdown-it for the web) get the text
from :func:`join_wrapped`, which removes exactly the breaks that fall between two CJK characters
inside one paragraph (markdown-it's own block parse says which lines those are), so headings,
lists, tables and code blocks keep every line they have.
"""

from __future__ import annotations

import re
from functools import cache

# CJK punctuation, kana, unified ideographs (and extension A), compatibility ideographs, and
# full-width forms (，：；！？（）)
_CJK = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_HAS_CJK = re.compile(f"[{_CJK}]")
_ENDS_CJK = re.compile(f"[{_CJK}]$")
_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)*")  # a continuation line's indent or quote markers


@cache
def _parser():  # type: ignore[no-untyped-def]
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def join_wrapped(text: str) -> str:
    """``text`` with every soft line break between two CJK characters of a paragraph removed
    (with the next line's indentation or quote markers); a hard break (two trailing spaces or a
    backslash) is kept, and so is every other line."""
    if not _HAS_CJK.search(text):
        return text
    lines = text.split("\n")
    joins = set()
    for tok in _parser().parse(text):
        if tok.type != "inline" or not tok.map or tok.map[1] - tok.map[0] < 2:
            continue
        for i in range(tok.map[0], tok.map[1] - 1):
            here, after = lines[i], _PREFIX.sub("", lines[i + 1], count=1)
            if here.endswith(("  ", "\\")) or not after:
                continue
            if _ENDS_CJK.search(here.rstrip()) and _HAS_CJK.match(after[0]):
                joins.add(i)
    out: list[str] = []
    for i, line in enumerate(lines):
        if i - 1 in joins:
            out[-1] = out[-1].rstrip() + _PREFIX.sub("", line, count=1)
        else:
            out.append(line)
    return "\n".join(out)
