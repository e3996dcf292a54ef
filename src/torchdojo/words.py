"""The few words the interfaces print around the content, in English and Chinese.

Statements, hints and lessons come from the bank in both languages; this is the frame around
them (labels of a statement's header and footer, statuses, difficulties), so a Chinese page is
Chinese throughout. Traditional Chinese is converted from the Simplified text, like the bank's.
"""

from __future__ import annotations

from torchdojo.bank import in_lang

WORDS: dict[str, tuple[str, str]] = {
    "easy": ("easy", "简单"), "medium": ("medium", "中等"), "hard": ("hard", "困难"),
    "solved": ("✓ solved", "✓ 已解决"), "attempted": ("… attempted", "… 尝试过"),
    "new": ("new", "未开始"),
    "you_write": ("you write", "你要写"), "tags": ("tags", "标签"),
    "your_file": ("your file", "你的文件"), "start_it": ("start it with", "开始做"),
    "read_first": ("read first", "先读课程"), "problem": ("problem", "题目"),
    "lesson": ("lesson", "课程"), "problems": ("problems", "题目"), "cards": ("concept cards",
                                                                       "概念卡片"),
    "practise": ("practise it", "练习"), "review": ("review the cards", "复习卡片"),
    "next_lesson": ("next lesson", "下一课"), "of": ("of", "/"),
    # the class server's admin page
    "admin_title": ("class progress", "班级进度"), "admin_learners": ("Learners", "学员"),
    "admin_name": ("name", "名字"), "admin_solved": ("solved", "已解决"),
    "admin_attempted": ("attempted", "已尝试"), "admin_checks": ("checks", "检查次数"),
    "admin_problems": ("Problems", "题目"), "admin_track": ("track", "单元"),
    "admin_problem": ("problem", "题目"), "admin_solved_by": ("solved by", "解决人数"),
    "admin_attempted_by": ("attempted by", "尝试人数"),
    "admin_invites": ("New invite codes:", "新的邀请码："), "admin_or": ("or", "或"),
}


def word(key: str, lang: str) -> str:
    """The label ``key`` in ``lang`` (en, zh-Hans or zh-Hant)."""
    en, zh = WORDS[key]
    return in_lang(lang, en, zh)
