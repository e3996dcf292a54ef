"""All terminal rendering (the one module that imports Rich)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from torchdojo.bank import Problem, in_lang
from torchdojo.cards import Card
from torchdojo.results import Result

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)

STATUS_STYLE = {"solved": "green", "attempted": "yellow", "new": "dim"}
STATUS_LABEL = {"solved": "✓ solved", "attempted": "… attempted", "new": "· new"}
DIFF_STYLE = {"easy": "green", "medium": "yellow", "hard": "red"}
TEST_MARK = {"pass": "[green]✓[/]", "fail": "[red]✗[/]", "error": "[red]![/]",
             "skip": "[dim]-[/]"}
VERDICT_STYLE = {"pass": "bold green", "fail": "bold red", "error": "bold red",
                 "timeout": "bold magenta", "memory": "bold magenta", "crash": "bold magenta"}


def info(msg: str) -> None:
    console.print(msg)


def error(msg: str) -> None:
    err.print(f"[red]error:[/] {msg}")


def problem_table(problems: Iterable[Problem], statuses: dict[str, str], lang: str) -> None:
    table = Table(show_lines=False, header_style="bold")
    table.add_column("track")
    table.add_column("id")
    table.add_column("title")
    table.add_column("difficulty")
    table.add_column("status")
    for p in problems:
        st = statuses.get(p.id, "new")
        table.add_row(p.track, p.id, p.title_in(lang),
                      f"[{DIFF_STYLE[p.difficulty]}]{p.difficulty}[/]",
                      f"[{STATUS_STYLE[st]}]{STATUS_LABEL[st]}[/]")
    console.print(table)


def statement(p: Problem, text: str, lang: str, status: str) -> None:
    head = (f"[bold]{p.title_in(lang)}[/]  [dim]{p.id} · {p.track} · [/]"
            f"[{DIFF_STYLE[p.difficulty]}]{p.difficulty}[/] · "
            f"[{STATUS_STYLE[status]}]{STATUS_LABEL[status]}[/]")
    console.print(Panel(head, expand=False))
    console.print(Markdown(text))
    console.print(f"[dim]defines: {', '.join(p.entry)} · covers: {', '.join(p.sources)} · "
                  f"tags: {', '.join(p.tags)}[/]")


def result(res: Result) -> None:
    for t in res.tests:
        console.print(f" {TEST_MARK[t.status]} [bold]{t.name}[/] [dim]({t.duration_ms} ms)[/]")
        if t.status != "pass" and t.message:
            console.print(f"     {_escape(t.message)}")
        if t.output and t.status != "pass":
            console.print("     [dim]output:[/]")
            for line in t.output.splitlines()[:12]:
                console.print(f"       [dim]{_escape(line)}[/]")
    style = VERDICT_STYLE.get(res.status, "bold")
    console.print(f"[{style}]{res.status.upper()}[/] {_escape(res.message)} "
                  f"[dim]({res.duration_ms} ms)[/]")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def hint(p: Problem, shown: int, lang: str) -> None:
    for i in range(shown):
        console.print(Panel(Markdown(p.hint(i, lang)), title=f"hint {i + 1}/{len(p.hints)}",
                            expand=False))


def code(source: str, title: str) -> None:
    console.print(Panel(Syntax(source, "python", line_numbers=False), title=title))


def markdown(text: str) -> None:
    console.print(Markdown(text))


def progress(rows: list[dict[str, Any]], total: dict[str, Any]) -> None:
    table = Table(header_style="bold")
    for col in ("track", "solved", "attempted", "problems", "done"):
        table.add_column(col, justify="left" if col == "track" else "right")
    for r in rows + [total]:
        pct = 100 * r["solved"] / r["problems"] if r["problems"] else 0
        bar = "█" * int(pct / 10) + "░" * (10 - int(pct / 10))
        table.add_row(r["track"], str(r["solved"]), str(r["attempted"]), str(r["problems"]),
                      f"{bar} {pct:3.0f}%")
    console.print(table)


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
                        f"[{DIFF_STYLE[c.difficulty]}]{c.difficulty}[/] · [dim]{phase}[/]",
                        expand=False))
    console.print(Markdown(c.question(lang)))
    _check(c, lang)
    if show_answer:
        _answer(c, lang)
    console.print(f"[dim]covers: {', '.join(c.sources)}"
                  + (f" · practise: {', '.join(c.related)}" if c.related else "") + "[/]")


def _check(c: Card, lang: str) -> None:
    console.print(Markdown(c.prompt(lang)))
    grid = Table.grid(padding=(0, 1))  # label column apart: a long CJK option wraps beside it
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for letter, opt in zip("abcde", c.options(lang), strict=False):
        grid.add_row(f"  {letter})", Text(opt, overflow="fold"))
    console.print(grid)


def _answer(c: Card, lang: str) -> None:
    console.print(Panel(Markdown(c.answer(lang)), title="model answer", expand=False))
    console.print("[bold]key points[/]")
    console.print(Markdown("\n".join(f"- {k}" for k in c.key_points(lang))))
    console.print(Markdown(c.explain(lang)))
    if c.demo:
        code(c.demo.strip(), "demo (run it: it proves the point)")


def card_question(c: Card, lang: str, i: int, n: int) -> None:
    console.rule(f"[dim]card {i}/{n}[/]")
    console.print(f"[bold]{c.title_in(lang)}[/] [dim]({c.id})[/]")
    console.print(Markdown(c.question(lang)))
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


def card_progress(rows: list[dict[str, Any]], total: dict[str, Any]) -> None:
    table = Table(header_style="bold", title="concept cards")
    for col in ("track", "learned", "due now", "new", "cards"):
        table.add_column(col, justify="left" if col == "track" else "right")
    for r in rows + [total]:
        table.add_row(r["track"], str(r["learned"]), str(r["due"]), str(r["new"]),
                      str(r["cards"]))
    console.print(table)


def card_table(rows: list[dict[str, Any]], lang: str) -> None:
    table = Table(header_style="bold")
    for col in ("track", "id", "title", "check", "review", "due"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["track"], r["id"], in_lang(lang, r["title"]["en"], r["title"]["zh"]),
                      r["kind"], r["review"]["phase"], r["review"]["due"] or "now")
    console.print(table)
