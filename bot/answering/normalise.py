"""Text normalisation: a clean display form and a folded matching key.

Two forms of every message are kept apart:

* :func:`clean_text` is what a person sees again (in a transcript, in the staff inbox):
  NFKC, invisible and bidi control characters removed, whitespace tidied. Nothing that
  carries meaning is changed.
* :func:`matching_key` is what the lexical matcher and the guards compare: case-folded,
  diacritics removed, German umlaut spellings folded (``ä``/``ae`` -> ``a``), Arabic and
  Persian letter variants unified, Arabic-Indic digits made ASCII, punctuation turned into
  spaces. Both sides of every comparison go through the same function.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text", "matching_key", "tokens"]

# Bidi embeddings/overrides/isolates, zero-width characters other than ZWNJ, BOM, soft hyphen.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b\u200d-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
# Other control characters (C0/C1) except tab and newline.
_CONTROL = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ی",
        "ي": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ؤ": "و",
        "ة": "ه",
        "ۀ": "ه",
        "\u200c": " ",  # Persian zero-width non-joiner: a word boundary for matching
        "،": " ",
        "؟": " ",
        "؛": " ",
        "٪": " ",
    }
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Letters that do not decompose into base + combining mark.
_LATIN_FOLD = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ı": "i", "æ": "ae", "œ": "oe"})
_NON_WORD = re.compile(r"[^\w]+")
_DIACRITIC_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def clean_text(text: str) -> str:
    """Return the display form: NFKC, no control or bidi characters, tidy whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def _strip_diacritics(text: str) -> str:
    """Drop combining marks from Latin, Cyrillic and Greek letters (``ş``->``s``, ``й``->``и``)."""
    out: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            base = out[-1] if out else ""
            if base and unicodedata.name(base, "").startswith(_DIACRITIC_SCRIPTS):
                continue
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def _fold_german_digraphs(word: str) -> str:
    """Fold ``ae``/``oe``/``ue`` to the plain vowel, as a stand-in for ä, ö, ü."""
    if not word.isascii():
        return word
    return word.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def matching_key(text: str) -> str:
    """Return the folded form used for lexical matching and the guards.

    >>> matching_key("Geflüchtete Kinder – Hausaufgabenhilfe?")
    'gefluchtete kinder hausaufgabenhilfe'
    >>> matching_key("gefluechtete")
    'gefluchtete'
    """
    text = clean_text(text).casefold()
    text = text.translate(_DIGITS)
    text = _ARABIC_MARKS.sub("", text)
    text = text.translate(_ARABIC_FOLD)
    text = text.translate(_LATIN_FOLD)
    text = _strip_diacritics(text)
    words = _NON_WORD.sub(" ", text).replace("_", " ").split()
    return " ".join(_fold_german_digraphs(word) for word in words)


def tokens(text: str) -> list[str]:
    """Split a matching key (or raw text) into folded word tokens."""
    return matching_key(text).split()
