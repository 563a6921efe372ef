"""Normalisation: a clean display form and a folded matching key."""

from __future__ import annotations

import pytest

from bot.answering.normalise import clean_text, matching_key


def test_display_form_keeps_meaning_but_drops_bidi_overrides_and_controls() -> None:
    assert clean_text("\u202eHallo\u202c Welt\x00!\u200b") == "Hallo Welt !"


def test_display_form_keeps_persian_zero_width_non_joiner() -> None:
    assert clean_text("می‌خواهم") == "می‌خواهم"


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Geflüchtete", "gefluchtete"),
        ("gefluechtete", "gefluchtete"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("düşünüyorum", "dusunuyorum"),
        ("Mă despart de soțul meu", "ma despart de sotul meu"),
        ("Йод ёлка", "иод елка"),
        ("Dzień dobry, łatwo", "dzien dobry latwo"),
    ],
)
def test_latin_and_cyrillic_spellings_fold_together(written: str, folded: str) -> None:
    assert matching_key(written) == folded


def test_arabic_letter_variants_and_diacritics_fold_together() -> None:
    assert matching_key("أَسْجِل ابني في المدرسة؟") == matching_key("اسجل ابني فى المدرسه")


def test_persian_and_arabic_yeh_and_kaf_fold_together() -> None:
    assert matching_key("كيف") == matching_key("کیف")
    assert matching_key("يا") == matching_key("یا")


def test_arabic_indic_digits_become_ascii() -> None:
    assert matching_key("عمره ١٠ سنين") .endswith("10 سنین")
    assert matching_key("۱۵ سالشه").startswith("15")


def test_html_and_markdown_become_plain_words() -> None:
    assert matching_key("<b>**Schule**</b> [link](http://x)") == "b schule b link http x"
