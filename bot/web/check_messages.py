"""The messages of ``wegweiser kb check`` in German, for the editors' workspace.

The checks speak English (they also serve the command line and its documented output); the
console is German. Each pattern below matches one check message an editor can meet through
the forms and says the same in German; a message without a pattern is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.languages import LANGUAGES

__all__ = ["in_german"]

def _language(code: str) -> str:
    known = LANGUAGES.get(code)
    return known.german_name if known is not None else code


_Render = Callable[[re.Match[str]], str]
_PATTERNS: tuple[tuple[re.Pattern[str], _Render], ...] = tuple(
    (re.compile(pattern), render) for pattern, render in (
        (r"^the answer of the '(\w+)' version is empty$",
         lambda m: f"Die Antwort ({_language(m[1])}) ist leer."),
        (r"^the '(\w+)' answer has (\d+) words; keep chat answers to about 80 words$",
         lambda m: f"Die Antwort ({_language(m[1])}) hat {m[2]} Wörter. Im Chat sollten es "
                   "höchstens etwa 80 sein."),
        (r"^the '(\w+)' version has no 'title' \(shown on buttons\)$",
         lambda m: f"Der Titel ({_language(m[1])}) fehlt; er steht auf den Auswahlknöpfen."),
        (r"^the '(\w+)' version has (\d+) question phrasings; write at least (\d+) so the "
         r"assistant finds the entry$",
         lambda m: f"Es gibt erst {'eine Frage' if m[2] == '1' else m[2] + ' Fragen'} auf "
                   f"{_language(m[1])}. Schreiben Sie mindestens {m[3]}, damit der Assistent "
                   "den Eintrag findet."),
        (r"^this '(\w+)' question is written twice$",
         lambda m: f"Diese Frage ({_language(m[1])}) steht zweimal da."),
        (r"^a '(\w+)' answer line ends with a Latin word and Latin punctuation; .*$",
         lambda m: f"Eine Zeile der Antwort ({_language(m[1])}) endet mit einem lateinisch "
                   "geschriebenen Wort und Satzzeichen; von rechts nach links erscheint es auf "
                   f"der falschen Seite. Beenden Sie die Zeile mit Wörtern auf "
                   f"{_language(m[1])}."),
        (r"^no (.+) \((\w+)\) version yet: people writing in it get the English or German "
         r"text$",
         lambda m: f"Noch keine Fassung auf {_language(m[2])}: wer so schreibt, bekommt den "
                   "englischen oder deutschen Text."),
        (r"^the German version \(de\) is missing: .*$",
         lambda m: "Die deutsche Fassung fehlt; sie ist die Vorlage für alle Übersetzungen."),
        (r"^'(.*)' does not look like a phone number .*$",
         lambda m: f"„{m[1]}“ sieht nicht wie eine Telefonnummer aus (nur Ziffern, "
                   "Leerzeichen, / und -, z. B. 02151/86-2502)."),
        (r"^'(.*)' does not look like an e-mail address .*$",
         lambda m: f"„{m[1]}“ sieht nicht wie eine E-Mail-Adresse aus (name@beispiel.de)."),
        (r"^'(.*)' does not look like a web address .*$",
         lambda m: f"„{m[1]}“ sieht nicht wie eine Webadresse aus (www.beispiel.de)."),
        (r"^source file '(.*)' is not in .*$",
         lambda m: f"Die Quelldatei „{m[1]}“ gibt es in knowledge/sources nicht."),
        (r"^say which section of the source this is \('section'\)$",
         lambda m: "Bitte nennen Sie den Abschnitt oder die Seite der Quelle."),
        (r"^'sources' must list at least one source .*$",
         lambda m: "Bitte nennen Sie mindestens eine Quelle (Dokument und Abschnitt)."),
        (r"^this source has no 'file'$",
         lambda m: "Bitte wählen Sie das Quelldokument."),
        (r"^not checked since (\S+) \(over 12 months\): .*$",
         lambda m: f"Seit {m[1]} nicht mehr geprüft (über 12 Monate): bitte mit den Quellen "
                   "vergleichen."),
        (r"^'needs_review' is true: write a 'review_note' saying what to check$",
         lambda m: "Der Eintrag ist zur Prüfung markiert: bitte schreiben Sie in den "
                   "Prüfhinweis, was zu prüfen ist."),
        (r"^the id may only use lower-case letters, digits and hyphens.*$",
         lambda m: "Die Kennung darf nur Kleinbuchstaben, Ziffern und Bindestriche enthalten "
                   "(z. B. krefeld-sport)."),
        (r"^the id '(.*)' is already used by (.*)$",
         lambda m: f"Die Kennung „{m[1]}“ ist schon vergeben ({m[2]})."),
        (r"^'city' must be one of .*$",
         lambda m: "Bitte wählen Sie eine Stadt."),
        (r"^'category' must be one of .*$",
         lambda m: "Bitte wählen Sie einen Themenbereich."),
        (r"^the entry has no answer in any language$",
         lambda m: "Der Eintrag hat noch in keiner Sprache eine Antwort."),
    ))


def in_german(message: str) -> str:
    """``message`` of ``kb check`` in German (unchanged when it has no translation)."""
    for pattern, render in _PATTERNS:
        found = pattern.match(message)
        if found is not None:
            return render(found)
    return message
