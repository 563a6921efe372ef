"""The ten languages Wegweiser speaks, with their names and writing direction."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "SUPPORTED", "Language", "is_supported"]


@dataclass(frozen=True, slots=True)
class Language:
    """A supported language: ISO 639-1 code, own-script name, German name, direction."""

    code: str
    native_name: str
    german_name: str
    english_name: str
    rtl: bool = False


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("de", "Deutsch", "Deutsch", "German"),
        Language("en", "English", "Englisch", "English"),
        Language("ar", "العربية", "Arabisch", "Arabic", rtl=True),
        Language("tr", "Türkçe", "Türkisch", "Turkish"),
        Language("ru", "Русский", "Russisch", "Russian"),
        Language("uk", "Українська", "Ukrainisch", "Ukrainian"),
        Language("fa", "فارسی", "Persisch (Farsi/Dari)", "Persian", rtl=True),
        Language("pl", "Polski", "Polnisch", "Polish"),
        Language("ro", "Română", "Rumänisch", "Romanian"),
        Language("bg", "Български", "Bulgarisch", "Bulgarian"),
    )
}
SUPPORTED: tuple[str, ...] = tuple(LANGUAGES)
DEFAULT_LANGUAGE = "de"


def is_supported(code: str | None) -> bool:
    """Return True when ``code`` is one of the ten supported language codes."""
    return code in LANGUAGES
