"""All terminal rendering (the one module that imports Rich)."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from torchdojo import termout
from torchdojo.bank import Problem, in_lang
from torchdojo.cards import Card
from torchdojo.cjk import join_wrapped
from torchdojo.results import Result
from torchdojo.words import word

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)

STATUS_STYLE = termout.STATUS_STYLE
DIFF_STYLE = termout.DIFF_STYLE


def _md(text: str) -> Markdown:
    """Markdown for the terminal, with lines that wrap inside Chinese text joined."""
    return Markdown(join_wrapped(text))


def info(msg: str) -> None:
    console.print(msg)


def error(msg: str) -> None:
    err.print(f"[red]error:[/] {msg}")


def statement(p: Problem, lang: str, status: str, place: tuple[int, int], track_title: str,
              lesson: str | None = None) -> None:
    """A problem's page: a header (title; id, track and place, difficulty, status), the
    statement without its own title line, and a footer in the same language."""
    head = (f"[bold]{_escape(p.title_in(lang))}[/]\n[dim]{p.id} · {_escape(track_title)} "
            f"{place[0]}/{place[1]} ·[/] [{DIFF_STYLE[p.difficulty]}]"
            f"{word(p.difficulty, lang)}[/] [dim]·[/] "
            f"[{STATUS_STYLE[status]}]{word(status, lang)}[/]")
    console.print(Panel(head, expand=False))
    console.print(_md(p.body(lang)))
    foot = f"{word('you_write', lang)}: {', '.join(p.entry)}"
    if p.tags:
        foot += f" · {word('tags', lang)}: {', '.join(p.tags)}"
    console.print(f"[dim]{_escape(foot)}[/]")
    if lesson:
        console.print(f"[dim]{word('read_first', lang)}: torchdojo learn {lesson}[/]")


def lesson(les: Any, lang: str, problems: list[Problem], statuses: dict[str, str],
           cards: list[Card], track_title: str) -> None:
    """A lesson page: its title, the text, then the problems and cards it leads into."""
    console.print(Panel(f"[bold]{_escape(les.title_in(lang))}[/]\n[dim]{les.id} · "
                        f"{_escape(track_title)} · {word('lesson', lang)}[/]", expand=False))
    console.print(_md(les.text(lang)))
    if problems:
        console.rule(f"[bold]{word('practise', lang)}[/]", align="left")
        for p in problems:
            st = statuses.get(p.id, "new")
            label = termout.fit(word(st, lang), 10)
            console.print(f"  [{STATUS_STYLE[st]}]{label}[/] [bold]{p.id}[/] — "
                          f"{_escape(p.title_in(lang))} [dim]({word(p.difficulty, lang)})[/]")
        console.print(f"[dim]  torchdojo show {problems[0].id}   ·   torchdojo start "
                      f"{problems[0].id}[/]")
    if cards:
        console.rule(f"[bold]{word('cards', lang)}[/]", align="left")
        for c in cards:
            console.print(f"  [bold]{c.id}[/] — {_escape(c.title_in(lang))}")
        console.print(f"[dim]  torchdojo show {cards[0].id}   ·   torchdojo quiz --track "
                      f"{cards[0].track}[/]")


def lesson_table(track: str, info: Any, course: list[Any], read: set[str],
                 statuses: dict[str, str], lang: str) -> None:
    """A track as a course: lessons (read or not) in between the problems they lead into."""
    console.print(f"[bold]{_escape(info.title_in(lang))}[/] [dim]({track})[/] "
                  f"{_escape(info.blurb_in(lang))}")
    for item in course:
        if isinstance(item, Problem):
            st = statuses.get(item.id, "new")
            label = termout.fit(word(st, lang), 10)
            console.print(f"      [{STATUS_STYLE[st]}]{label}[/] {item.id} "
                          f"[dim]— {_escape(item.title_in(lang))}[/]")
        else:
            mark = "[green]✓[/]" if item.id in read else "[bold]•[/]"
            console.print(f"  {mark} [bold]{word('lesson', lang)}: {item.id}[/] — "
                          f"{_escape(item.title_in(lang))}")
    console.print("[dim]read one: torchdojo learn LESSON[/]")


def result(res: Result) -> None:
    termout.result(res.to_dict())


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def hint(p: Problem, shown: int, lang: str) -> None:
    for i in range(shown):
        console.print(Panel(_md(p.hint(i, lang)), title=f"hint {i + 1}/{len(p.hints)}",
                            expand=False))


def code(source: str, title: str) -> None:
    console.print(Panel(Syntax(source, "python", line_numbers=False), title=title))


def markdown(text: str) -> None:
    console.print(_md(text))


def progress(rows: list[dict[str, Any]], total: dict[str, Any]) -> None:
    table = Table(header_style="bold")
    for col in ("track", "solved", "attempted", "problems", "done"):
        table.add_column(col, justify="left" if col == "track" else "right")
    for r in rows + [total]:
        pct = 100 * r["solved"] / r["problems"] if r["problems"] else 0
        table.add_row(r["track"], str(r["solved"]), str(r["attempted"]), str(r["problems"]),
                      f"{bar(r['solved'], r['problems'])} {pct:3.0f}%")
    console.print(table)


EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(done: int, total: int, cells: int = 10) -> str:
    """A bar of ``cells`` characters, filled in eighths: any progress shows (1 of 17 is a
    sliver, not an empty bar), and only all done is full."""
    if total <= 0:
        return "░" * cells
    eighths = done * cells * 8 // total
    if done and not eighths:
        eighths = 1
    if done < total and eighths == cells * 8:
        eighths -= 1
    full, part = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS[part] if part else "") +
            "░" * (cells - full - (1 if part else 0)))


def layers(layers: dict[str, str], fit: str) -> None:
    table = Table(header_style="bold", title="sandbox layers")
    table.add_column("layer")
    table.add_column("state")
    for k, v in layers.items():
        style = "green" if v.startswith(("on", "cgroup")) else "yellow"
        table.add_row(k, f"[{style}]{_escape(v)}[/]")
    console.print(table)
    console.print(fit)


def validate_line(pid: str, ok: bool, problems: list[str], ms: int) -> None:
    mark = "[green]✓[/]" if ok else "[red]✗[/]"
    console.print(f" {mark} {pid} [dim]({ms} ms)[/]")
    for msg in problems:
        console.print(f"     [red]{_escape(msg)}[/]")


def confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    return console.input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def status_spinner(text: str):  # type: ignore[no-untyped-def]
    return console.status(text)


# -- concept cards -------------------------------------------------------------------------
def card(c: Card, lang: str, phase: str, show_answer: bool = False) -> None:
    """A card like a problem statement: the question and its auto-check (answer on request)."""
    console.print(Panel(f"[bold]{c.title_in(lang)}[/]  [dim]{c.id} · {c.track} · concept · [/]"
                        f"[{DIFF_STYLE[c.difficulty]}]{word(c.difficulty, lang)}[/] · "
                        f"[dim]{phase}[/]",
                        expand=False))
    console.print(_md(c.question(lang)))
    _check(c, lang)
    if show_answer:
        _answer(c, lang)
    if c.related:
        console.print(f"[dim]{word('practise', lang)}: {', '.join(c.related)}[/]")


def _check(c: Card, lang: str) -> None:
    console.print(_md(c.prompt(lang)))
    grid = Table.grid(padding=(0, 1))  # label column apart: a long CJK option wraps beside it
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for letter, opt in zip("abcde", c.options(lang), strict=False):
        grid.add_row(f"  {letter})", Text(opt, overflow="fold"))
    console.print(grid)


def _answer(c: Card, lang: str) -> None:
    console.print(Panel(_md(c.answer(lang)), title="model answer", expand=False))
    console.print("[bold]key points[/]")
    console.print(_md("\n".join(f"- {k}" for k in c.key_points(lang))))
    console.print(_md(c.explain(lang)))
    if c.demo:
        code(c.demo.strip(), "demo (run it: it proves the point)")


def card_question(c: Card, lang: str, i: int, n: int) -> None:
    console.rule(f"[dim]card {i}/{n}[/]")
    console.print(f"[bold]{c.title_in(lang)}[/] [dim]({c.id})[/]")
    console.print(_md(c.question(lang)))
    _check(c, lang)


def card_feedback(c: Card, lang: str, correct: bool, due: Any, when: Any) -> None:
    if correct:
        console.print("[bold green]✓ right[/]")
    else:
        console.print(f"[bold red]✗ not quite[/] — the answer: {_escape(c.correct_text)}")
    _answer(c, lang)
    console.print(f"[dim]next review in {_interval(due - when)}[/]")


def _interval(delta: Any) -> str:
    s = int(delta.total_seconds())
    if s < 3600:
        return f"{max(1, s // 60)} min"
    if s < 86400:
        return f"{s // 3600} h"
    return f"{s // 86400} days"


def quiz_summary(done: dict[str, int]) -> None:
    console.print(f"[bold]{done['asked']} answered[/]: [green]{done['right']} right[/], "
                  f"[red]{done['wrong']} wrong[/]. Your reviews are saved.")


def card_progress(rows: list[dict[str, Any]], total: dict[str, Any], per_day: int) -> None:
    """Cards per track: learned, reviews due now, new ones today's allowance lets in (of
    ``per_day``), never seen, all."""
    table = Table(header_style="bold", title="concept cards")
    for col in ("track", "learned", "reviews due", "new today", "not seen", "cards"):
        table.add_column(col, justify="left" if col == "track" else "right")
    for r in rows + [total]:
        table.add_row(r["track"], str(r["learned"]), str(r["due"]), str(r["new_today"]),
                      str(r["new"]), str(r["cards"]))
    console.print(table)
    console.print(f"[dim]new cards: at most {per_day} a day (`torchdojo quiz --new N` for one "
                  "session)[/]")


def card_table(rows: list[dict[str, Any]], lang: str) -> None:
    table = Table(header_style="bold")
    for col in ("track", "id", "title", "check", "review", "due"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["track"], r["id"], in_lang(lang, r["title"]["en"], r["title"]["zh"]),
                      r["kind"], r["review"]["phase"], r["review"]["due"] or "now")
    console.print(table)
