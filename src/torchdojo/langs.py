"""The three languages and what people type for them (no imports: the fast CLI path uses it)."""

from __future__ import annotations

LANGS = ("en", "zh-Hans", "zh-Hant")
# what people type for the three languages (compared lower-cased)
LANG_ALIASES = {"en": "en", "english": "en", "zh": "zh-Hans", "zh-hans": "zh-Hans",
                "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "cn": "zh-Hans", "zh-hant": "zh-Hant",
                "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-mo": "zh-Hant", "tw": "zh-Hant"}


def canonical_lang(lang: str) -> str | None:
    """``en``, ``zh-Hans`` or ``zh-Hant`` for a language name or common alias (``zh``, ``zh-TW``,
    ``zh_CN``), else None."""
    return LANG_ALIASES.get(lang.strip().lower().replace("_", "-"))
