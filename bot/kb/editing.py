"""Edit knowledge-base files safely: translation status, validated edits, atomic writes.

This is the library behind the editors' workspace (the web layer only renders it):

* :func:`master_hash` and :func:`language_status` tell for each language version whether it
  is ``missing``, ``draft``, ``reviewed`` or ``outdated``. A translation records in
  ``based_on`` the hash of the German master text (title and answer) it was written or
  reviewed against; when the German text changes later, the translation is outdated.
* :class:`KnowledgeEditor` changes one entry file at a time. It edits the YAML with
  ruamel.yaml round-trip, so comments, key order, quoting and ``|-`` blocks stay as they are;
  it runs the same checks as ``wegweiser kb check`` on the changed text before writing and
  refuses to write when they find an error; it writes atomically (temporary file in the same
  folder, fsync, rename) and only when the file still holds the text the edit was made on.

Revisions and undo are in :mod:`bot.kb.revisions`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import os
import tempfile
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.kb.checks import check_entries
from bot.kb.loader import CONTACT_FIELDS, is_valid_id, load_knowledge, parse_entry_text
from bot.kb.model import CITIES, Contact, Entry, Source
from bot.kb.problems import Problem, Severity
from bot.kb.yaml_lines import LocatedYaml, YamlSyntaxError, load_located
from bot.languages import LANGUAGES, SUPPORTED

with warnings.catch_warnings():
    # ruamel.yaml probes for its optional C extension (_ruamel_yaml). When pygal is loaded
    # (the dashboard's charts), its import hook answers that failed probe with an
    # ImportWarning, which the tests turn into an error.
    warnings.simplefilter("ignore", ImportWarning)
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        FoldedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

__all__ = [
    "DRAFT",
    "HASH_LENGTH",
    "MASTER_LANGUAGE",
    "MISSING",
    "OUTDATED",
    "REVIEWED",
    "EditResult",
    "EntryOverview",
    "FieldProblem",
    "KnowledgeEditError",
    "KnowledgeEditor",
    "StaleFileError",
    "StampResult",
    "atomic_write_text",
    "language_status",
    "master_hash",
    "read_text_or_none",
    "replace_file_text",
    "round_trip_yaml",
    "stamp_translations",
    "text_hash",
]

MASTER_LANGUAGE = "de"
HASH_LENGTH = 12
MISSING = "missing"
DRAFT = "draft"
REVIEWED = "reviewed"
OUTDATED = "outdated"
_TRANSLATION_KEYS = ("status", "based_on", "title", "answer", "questions")
_NEW_FILE_MODE = 0o644


class KnowledgeEditError(ValueError):
    """An edit that cannot even be attempted (unknown entry, unsupported language, ...)."""


class StaleFileError(KnowledgeEditError):
    """The file changed after the edit was prepared; nothing was written."""


# --- German master hash and translation status ------------------------------------------


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def text_hash(title: str, answer: str) -> str:
    """Return the short, stable hash of a German title and answer.

    Whitespace is collapsed first (re-wrapping lines is no change of content), so after it
    neither part contains a line break and the two cannot run into each other.
    """
    payload = f"{_normalised(title)}\n{_normalised(answer)}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def master_hash(entry: Entry) -> str:
    """Return the hash of the entry's German title and answer (what ``based_on`` records).

    Raises:
        KnowledgeEditError: when the entry has no German version.
    """
    german = entry.translations.get(MASTER_LANGUAGE)
    if german is None:
        raise KnowledgeEditError(f"the entry '{entry.id}' has no German (de) version")
    return text_hash(german.title, german.answer)


def language_status(entry: Entry, language: str) -> str:
    """Return ``missing``, ``draft``, ``reviewed`` or ``outdated`` for one language.

    A translation is outdated when it records the German version it follows (``based_on``)
    and the German title or answer has changed since; it is outdated whether it was a draft
    or reviewed. Without ``based_on`` (or without a German version) it cannot be outdated.
    """
    version = entry.translations.get(language)
    if version is None or not version.answer.strip():
        return MISSING
    if (
        language != MASTER_LANGUAGE
        and version.based_on is not None
        and MASTER_LANGUAGE in entry.translations
        and version.based_on != master_hash(entry)
    ):
        return OUTDATED
    return version.status


# --- YAML round trip and atomic file replacement -----------------------------------------


def round_trip_yaml() -> YAML:
    """Return a ruamel.yaml round-trip instance set up like the knowledge files.

    Mappings are indented by 2, list items by 4 with the dash at 2 (``  - file: ...``);
    long strings are never re-wrapped, quotes are kept as written.
    """
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    text = out.getvalue()
    return text if text.endswith("\n") else text + "\n"


def read_text_or_none(path: Path) -> str | None:
    """Return the exact text of ``path`` (no newline translation), None if it does not exist."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None


def _fsync_folder(folder: Path) -> None:
    """Make a rename or delete in ``folder`` durable (not possible on every system)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so that readers see the old or the new file, never
    half a file: a temporary file in the same folder, fsync, then an atomic rename.

    The temporary file's name starts with a dot, so the loader skips it should the process
    die before the rename. An existing file keeps its permissions.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = _NEW_FILE_MODE
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        temporary.chmod(mode)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def replace_file_text(path: Path, *, expected: str | None, new: str | None) -> None:
    """Replace the file's text with ``new`` (None: delete it), but only if it still holds
    ``expected`` (None: it must not exist).

    Raises:
        StaleFileError: when the file holds something else; nothing is changed then.
    """
    current = read_text_or_none(path)
    if current != expected:
        if expected is None:
            raise StaleFileError(f"{path.name} exists already")
        if current is None:
            raise StaleFileError(f"{path.name} was deleted in the meantime")
        raise StaleFileError(f"{path.name} was changed in the meantime: load it again")
    if new is None:
        path.unlink()
        _fsync_folder(path.parent)
    else:
        atomic_write_text(path, new)


# --- results -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """A problem of ``kb check`` in an edited file, with the field it concerns if known.

    ``field`` is a dotted path into the entry, e.g. ``translations.en.answer``,
    ``translations.de.questions.2``, ``sources.0``, ``id``; None for the file as a whole.
    """

    severity: Severity
    message: str
    line: int
    field: str | None = None

    @property
    def is_error(self) -> bool:
        """Return True for errors (they stop the write)."""
        return self.severity is Severity.ERROR


@dataclass(frozen=True, slots=True)
class EditResult:
    """A prepared (and perhaps written) change of one entry file.

    ``path`` is relative to the knowledge folder (``krefeld/krefeld-sport.yaml``), ``before``
    the file's text before the change (None: the edit creates the file) and ``after`` the text
    it gets. ``written`` tells whether the file was written.
    """

    entry_id: str
    language: str | None
    path: str
    before: str | None
    after: str
    problems: tuple[FieldProblem, ...]
    summary: str
    written: bool = False

    @property
    def errors(self) -> tuple[FieldProblem, ...]:
        """Return the problems that stop the write."""
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[FieldProblem, ...]:
        """Return the problems that are only shown."""
        return tuple(p for p in self.problems if not p.is_error)

    @property
    def ok(self) -> bool:
        """Return True when the change has no errors (it may be written)."""
        return not self.errors

    @property
    def changed(self) -> bool:
        """Return True when the change alters the file."""
        return self.before != self.after


@dataclass(frozen=True, slots=True)
class EntryOverview:
    """One row of the workspace's list of entries."""

    id: str
    city: str
    category: str
    audience: str
    title: str
    path: str
    statuses: Mapping[str, str]
    needs_review: bool
    review_note: str = ""


@dataclass(frozen=True, slots=True)
class StampResult:
    """What :func:`stamp_translations` did."""

    files: int
    translations: int
    without_german: tuple[str, ...] = ()


# --- cleaning form input -----------------------------------------------------------------


def _without_controls(text: str) -> str:
    """Drop control characters (keep line breaks); tabs become spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")


def _clean_line(text: str) -> str:
    return " ".join(_without_controls(text).split())


def _clean_block(text: str) -> str:
    lines = [line.rstrip() for line in _without_controls(text).split("\n")]
    return "\n".join(lines).strip()


# --- ruamel helpers ----------------------------------------------------------------------


def _styled(old: Any, value: str, default: type[str] | None) -> str:
    """Return ``value`` in the quoting/block style of the old value (or ``default``)."""
    style: type[str] | None
    if "\n" in value or isinstance(old, LiteralScalarString | FoldedScalarString):
        style = LiteralScalarString
    elif isinstance(old, DoubleQuotedScalarString | SingleQuotedScalarString):
        style = type(old)
    elif isinstance(old, str):
        style = None
    else:
        style = default
    return style(value) if style is not None else value


def _insert_in_order(mapping: CommentedMap, key: str, value: Any, order: Sequence[str]) -> None:
    """Insert ``key`` after the last present key that comes before it in ``order``."""
    rank = order.index(key) if key in order else len(order)
    position = 0
    for index, existing in enumerate(mapping):
        if str(existing) in order and order.index(str(existing)) < rank:
            position = index + 1
    mapping.insert(position, key, value)


def _set_text(mapping: CommentedMap, key: str, value: str, default: type[str] | None) -> None:
    """Set a scalar, keeping it untouched when equal and its style when changed."""
    old = mapping.get(key)
    if key in mapping:
        if isinstance(old, str) and old == value:
            return
        mapping[key] = _styled(old, value, default)
    else:
        _insert_in_order(mapping, key, _styled(None, value, default), _TRANSLATION_KEYS)


def _set_questions(mapping: CommentedMap, questions: Sequence[str]) -> None:
    old = mapping.get("questions")
    if isinstance(old, CommentedSeq) and len(old) > 0:
        if [str(item) for item in old] == list(questions):
            return
        first = old[0]
        style: type[str] = type(first) if isinstance(first, str) else DoubleQuotedScalarString
        if style is LiteralScalarString or style is FoldedScalarString:
            style = DoubleQuotedScalarString
        # Comments are stored by item index: keep the ones of items that stay, and the one
        # after the last item (it holds the comment lines before the next key).
        comments = {str(item): old.ca.items.get(index) for index, item in enumerate(old)}
        trailing = old.ca.items.get(len(old) - 1)
        old.clear()
        old.ca.items.clear()
        for index, question in enumerate(questions):
            old.append(style(question) if style is not str else question)
            kept = comments.get(question)
            if kept is not None and kept is not trailing:
                old.ca.items[index] = kept
        if trailing is not None and questions:
            old.ca.items[len(questions) - 1] = trailing
        return
    sequence = CommentedSeq(DoubleQuotedScalarString(q) for q in questions)
    if "questions" in mapping:
        mapping["questions"] = sequence
    else:
        _insert_in_order(mapping, "questions", sequence, _TRANSLATION_KEYS)


def _set_based_on(version: CommentedMap, value: str) -> bool:
    """Set ``based_on`` right after ``status``; return True when it changed."""
    if version.get("based_on") == value:
        return False
    if "based_on" in version:
        version["based_on"] = DoubleQuotedScalarString(value)
    else:
        _insert_in_order(version, "based_on", DoubleQuotedScalarString(value), _TRANSLATION_KEYS)
    return True


def _translations_of(data: Any, shown: str) -> CommentedMap:
    translations = data.get("translations") if isinstance(data, CommentedMap) else None
    if not isinstance(translations, CommentedMap):
        raise KnowledgeEditError(f"{shown} has no readable 'translations' block: fix it by hand")
    return translations


# --- field of a problem ------------------------------------------------------------------


def _field_at(located: LocatedYaml | None, problem: Problem) -> str | None:
    """Return the dotted path of the field on the problem's line (the outermost one there).

    Problems about the file as a whole are reported on line 1, which may also hold the first
    key; line 1 is only taken as that key's when the message names it.
    """
    if located is None:
        return None
    found: tuple[str | int, ...] | None = None
    for path, line in located.lines.items():
        if line == problem.line and path and (found is None or len(path) < len(found)):
            found = path
    if found is None:
        return None
    if problem.line == 1 and f"'{found[-1]}'" not in problem.message:
        return None
    return ".".join(str(part) for part in found)


# --- the editor --------------------------------------------------------------------------


def _today() -> dt.date:
    return dt.datetime.now(tz=dt.UTC).date()


class KnowledgeEditor:
    """Prepare, validate and write changes to the entry files of one knowledge folder.

    Every change method returns an :class:`EditResult`. With ``dry_run=True`` nothing is
    written (the web layer can show the problems or the diff first); otherwise a change
    without errors is written at once. A change is written only if the file still holds the
    text it was prepared on (:class:`StaleFileError` otherwise).
    """

    def __init__(self, knowledge_dir: Path, *, today: Callable[[], dt.date] = _today) -> None:
        self.knowledge_dir = knowledge_dir
        self._today = today
        self._yaml = round_trip_yaml()

    # reading

    def overview(self) -> list[EntryOverview]:
        """Return every entry with its German title and the status of every language."""
        rows = []
        for entry in load_knowledge(self.knowledge_dir).knowledge.entries:
            german = entry.translations.get(MASTER_LANGUAGE)
            title = german.title if german is not None else ""
            path = self._relative(entry.path) if entry.path is not None else ""
            rows.append(EntryOverview(
                id=entry.id,
                city=entry.city,
                category=entry.category,
                audience=entry.audience,
                title=title,
                path=path,
                statuses=MappingProxyType({code: language_status(entry, code)
                                           for code in SUPPORTED}),
                needs_review=entry.needs_review,
                review_note=entry.review_note,
            ))
        return rows

    def entry(self, entry_id: str) -> Entry:
        """Return the entry as the loader reads it from its file.

        Raises:
            KnowledgeEditError: when there is no such entry or its file cannot be read.
        """
        return self._read_entry(entry_id)[0]

    # changes

    def save_translation(
        self,
        entry_id: str,
        language: str,
        *,
        title: str,
        answer: str,
        questions: Sequence[str],
        minor: bool = False,
        mark_reviewed: bool = False,
        dry_run: bool = False,
    ) -> EditResult:
        """Set the title, answer and questions of one language version.

        The version becomes ``reviewed`` if ``mark_reviewed`` else ``draft``. A translation
        records the current German hash (it was written against this German text). A change
        of the German text leaves the translations alone, so they become outdated; with
        ``minor`` (a typo fix) every translation that followed the old German text is moved
        to the new one and stays current.
        """
        self._check_language(language)
        entry, path, text = self._read_entry(entry_id)
        shown = self._relative(path)
        data = self._yaml.load(text)
        translations = _translations_of(data, shown)
        title, answer = _clean_line(title), _clean_block(answer)
        cleaned = [q for q in (_clean_line(q) for q in questions) if q]
        status = REVIEWED if mark_reviewed else DRAFT
        version = translations.get(language)
        if not isinstance(version, CommentedMap):
            version = CommentedMap()
            if language in translations:
                translations[language] = version
            else:
                _insert_in_order(translations, language, version, SUPPORTED)
        _set_text(version, "status", status, None)
        notes = [f"{language}: saved as {status}"]
        if language == MASTER_LANGUAGE:
            old_hash = master_hash(entry) if MASTER_LANGUAGE in entry.translations else None
            new_hash = text_hash(title, answer)
            if old_hash is not None and new_hash != old_hash:
                if minor:
                    kept = self._follow_master(entry, translations, old_hash, new_hash)
                    notes.append(f"minor change, {kept} translation(s) kept current")
                else:
                    notes.append("German text changed, translations now outdated")
        else:
            _set_based_on(version, master_hash(entry))
        _set_text(version, "title", title, DoubleQuotedScalarString)
        _set_text(version, "answer", answer, LiteralScalarString)
        _set_questions(version, cleaned)
        return self._finish(entry_id, language, shown, text, _dump(self._yaml, data),
                            "; ".join(notes), dry_run=dry_run)

    def mark_reviewed(self, entry_id: str, language: str, *, dry_run: bool = False) -> EditResult:
        """Mark one language version as reviewed.

        For a translation this confirms it against the current German text: ``based_on`` is
        set to the current German hash, so an outdated translation becomes current.

        Raises:
            KnowledgeEditError: when the entry has no version in ``language``.
        """
        self._check_language(language)
        entry, path, text = self._read_entry(entry_id)
        shown = self._relative(path)
        data = self._yaml.load(text)
        version = _translations_of(data, shown).get(language)
        if not isinstance(version, CommentedMap) or language not in entry.translations:
            raise KnowledgeEditError(f"'{entry_id}' has no {language} version to mark as reviewed")
        _set_text(version, "status", REVIEWED, None)
        if language != MASTER_LANGUAGE:
            _set_based_on(version, master_hash(entry))
        return self._finish(entry_id, language, shown, text, _dump(self._yaml, data),
                            f"{language}: marked as reviewed", dry_run=dry_run)

    def create_entry(
        self,
        entry_id: str,
        *,
        city: str,
        category: str,
        audience: str,
        title: str,
        answer: str,
        questions: Sequence[str],
        sources: Sequence[Source],
        last_checked: dt.date | None = None,
        contact: Contact | None = None,
        legal_adjacent: bool = False,
        needs_review: bool = False,
        review_note: str = "",
        dry_run: bool = False,
    ) -> EditResult:
        """Create ``<city>/<entry_id>.yaml`` with a German draft.

        A malformed or already used id, or an unknown city, is returned as an error of the
        field ``id`` or ``city`` (nothing is written). ``last_checked`` defaults to today.
        """
        shown = f"{city}/{entry_id}.yaml"
        refusal = self._refuse_new_id(entry_id, city)
        if refusal is not None:
            return EditResult(entry_id, MASTER_LANGUAGE, shown, None, "", (refusal,),
                              "entry not created")
        data = CommentedMap()
        data["id"] = entry_id
        data["city"] = city
        data["audience"] = audience
        data["category"] = category
        source_list = CommentedSeq()
        for source in sources:
            item = CommentedMap()
            item["file"] = _clean_line(source.file)
            item["section"] = DoubleQuotedScalarString(_clean_line(source.section))
            source_list.append(item)
        data["sources"] = source_list
        data["last_checked"] = last_checked or self._today()
        data["needs_review"] = needs_review
        if review_note.strip():
            data["review_note"] = DoubleQuotedScalarString(_clean_line(review_note))
        data["legal_adjacent"] = legal_adjacent
        if contact is not None and not contact.is_empty():
            data["contact"] = _contact_map(contact)
        german = CommentedMap()
        german["status"] = DRAFT
        german["title"] = DoubleQuotedScalarString(_clean_line(title))
        german["answer"] = LiteralScalarString(_clean_block(answer))
        german["questions"] = CommentedSeq(
            DoubleQuotedScalarString(q) for q in (_clean_line(q) for q in questions) if q
        )
        translations = CommentedMap()
        translations[MASTER_LANGUAGE] = german
        data["translations"] = translations
        return self._finish(entry_id, MASTER_LANGUAGE, shown, None, _dump(self._yaml, data),
                            "entry created (German draft)", dry_run=dry_run)

    # validation and writing

    def validate(self, path: str | Path, text: str) -> tuple[FieldProblem, ...]:
        """Run the checks of ``wegweiser kb check`` on ``text`` as the file at ``path``
        (relative to the knowledge folder), without writing it.

        The loader's checks (fields, types, id and folder) and the content checks of
        :func:`bot.kb.checks.check_entries` (languages, contact, dates, source files) run on
        the text in memory; the result is sorted, errors first.
        """
        relative = Path(path)
        target = self.knowledge_dir / relative
        shown = relative.as_posix()
        entry, problems = parse_entry_text(text, target, shown)
        if entry is not None:
            sources = self.knowledge_dir / "sources"
            # The content checks read the file to find lines: give them this text.
            with tempfile.TemporaryDirectory(prefix="wegweiser-kb-") as folder:
                copy = Path(folder) / target.name
                copy.write_text(text, encoding="utf-8")
                problems += check_entries(
                    [dataclasses.replace(entry, path=copy)],
                    today=self._today(),
                    sources=sources if sources.is_dir() else None,
                    shown_as={entry.id: shown},
                )
        try:
            located: LocatedYaml | None = load_located(text)
        except YamlSyntaxError:
            located = None
        found = [FieldProblem(p.severity, p.message, p.line, _field_at(located, p))
                 for p in problems]
        found.sort(key=lambda p: (not p.is_error, p.line, p.message))
        return tuple(found)

    def write(self, result: EditResult) -> EditResult:
        """Write a prepared change (atomically, and only over the text it was made on).

        Raises:
            KnowledgeEditError: when the change has errors.
            StaleFileError: when the file changed since the change was prepared.
        """
        if not result.ok:
            raise KnowledgeEditError("not written: " + "; ".join(e.message for e in result.errors))
        if not result.changed:
            return result
        replace_file_text(self.knowledge_dir / result.path, expected=result.before,
                          new=result.after)
        return dataclasses.replace(result, written=True)

    # internals

    def _finish(self, entry_id: str, language: str | None, shown: str, before: str | None,
                after: str, summary: str, *, dry_run: bool) -> EditResult:
        result = EditResult(entry_id, language, shown, before, after,
                            self.validate(shown, after), summary)
        if dry_run or not result.ok:
            return result
        return self.write(result)

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.knowledge_dir).as_posix()

    @staticmethod
    def _check_language(language: str) -> None:
        if language not in LANGUAGES:
            raise KnowledgeEditError(f"'{language}' is not one of the languages: "
                                     f"{', '.join(SUPPORTED)}")

    def _paths_of(self, entry_id: str) -> list[Path]:
        return [self.knowledge_dir / city / f"{entry_id}.yaml" for city in CITIES
                if (self.knowledge_dir / city / f"{entry_id}.yaml").is_file()]

    def _read_entry(self, entry_id: str) -> tuple[Entry, Path, str]:
        if not is_valid_id(entry_id):
            raise KnowledgeEditError(f"'{entry_id}' is not an entry id")
        paths = self._paths_of(entry_id)
        if not paths:
            raise KnowledgeEditError(f"there is no entry '{entry_id}'")
        if len(paths) > 1:
            names = ", ".join(self._relative(p) for p in paths)
            raise KnowledgeEditError(f"the id '{entry_id}' is used by several files: {names}")
        path = paths[0]
        text = read_text_or_none(path)
        if text is None:
            raise KnowledgeEditError(f"there is no entry '{entry_id}'")
        entry, problems = parse_entry_text(text, path, self._relative(path))
        if entry is None:
            details = "; ".join(p.message for p in problems)
            raise KnowledgeEditError(f"{self._relative(path)} cannot be edited here: {details}")
        return entry, path, text

    def _refuse_new_id(self, entry_id: str, city: str) -> FieldProblem | None:
        if not is_valid_id(entry_id):
            return FieldProblem(Severity.ERROR, "the id may only use lower-case letters, digits "
                                "and hyphens (e.g. krefeld-sport)", 1, "id")
        if city not in CITIES:
            return FieldProblem(Severity.ERROR, f"'city' must be one of {', '.join(CITIES)} "
                                f"(found '{city}')", 1, "city")
        used = self._paths_of(entry_id)
        if not used:
            loaded = load_knowledge(self.knowledge_dir).knowledge.get(entry_id)
            used = [loaded.path] if loaded is not None and loaded.path is not None else []
        if used:
            return FieldProblem(Severity.ERROR, f"the id '{entry_id}' is already used by "
                                f"{self._relative(used[0])}", 1, "id")
        return None

    def _follow_master(self, entry: Entry, translations: CommentedMap, old_hash: str,
                       new_hash: str) -> int:
        """Move every translation that followed ``old_hash`` to ``new_hash``."""
        moved = 0
        for code, version in entry.translations.items():
            raw = translations.get(code)
            if (code != MASTER_LANGUAGE and version.based_on == old_hash
                    and isinstance(raw, CommentedMap)):
                moved += _set_based_on(raw, new_hash)
        return moved


def _contact_map(contact: Contact) -> CommentedMap:
    quoted = {"phone", "fax", "address"}
    mapping = CommentedMap()
    for name in CONTACT_FIELDS:
        values = [_clean_line(v) for v in getattr(contact, name) if _clean_line(v)]
        styled = [DoubleQuotedScalarString(v) if name in quoted else v for v in values]
        if len(styled) == 1:
            mapping[name] = styled[0]
        elif styled:
            mapping[name] = CommentedSeq(styled)
    return mapping


# --- one-off: record the German version every translation follows ------------------------


def stamp_translations(knowledge_dir: Path) -> StampResult:
    """Give every translation without ``based_on`` the hash of the current German text.

    Run once when ``based_on`` is introduced, and again for translations added by hand:
    they are then taken to follow the German text as it is now. Files are edited with
    ruamel.yaml round-trip (nothing else in them changes) and written atomically.
    """
    yaml = round_trip_yaml()
    files = stamped = 0
    without_german: list[str] = []
    for entry in load_knowledge(knowledge_dir).knowledge.entries:
        if entry.path is None:
            continue
        if MASTER_LANGUAGE not in entry.translations:
            without_german.append(entry.id)
            continue
        missing = [code for code, version in entry.translations.items()
                   if code != MASTER_LANGUAGE and version.based_on is None]
        if not missing:
            continue
        text = read_text_or_none(entry.path)
        if text is None:
            continue
        data = yaml.load(text)
        translations = _translations_of(data, entry.path.name)
        current = master_hash(entry)
        count = 0
        for code in missing:
            version = translations.get(code)
            if isinstance(version, CommentedMap):
                count += _set_based_on(version, current)
        if count:
            replace_file_text(entry.path, expected=text, new=_dump(yaml, data))
            files += 1
            stamped += count
    return StampResult(files, stamped, tuple(without_german))
