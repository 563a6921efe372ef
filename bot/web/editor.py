"""The editor workspace: the entries with the status of every language, editing one language
version with live checks and a preview, new entries, history with undo, and suggestions.

Everything is written through :class:`bot.kb.revisions.KnowledgeWorkspace` (validated,
atomic, recorded as a revision); after each write the running assistant is rebuilt, so the
chat answers with the new text at once, without a restart.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy.typing as npt
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.answering import messages as core_texts
from bot.answering.outcome import Decision, Incoming
from bot.i18n import translator
from bot.insight.clusters import handed_off_questions, unmatched_clusters
from bot.kb.editing import (
    MASTER_LANGUAGE,
    OUTDATED,
    REVIEWED,
    EditResult,
    FieldProblem,
    KnowledgeEditError,
    StaleFileError,
    language_status,
    master_hash,
    text_hash,
)
from bot.kb.loader import is_valid_id, parse_entry_text
from bot.kb.model import AUDIENCES, CATEGORIES, CITIES, Entry, Translation
from bot.kb.problems import Severity
from bot.kb.revisions import Revision
from bot.languages import LANGUAGES, SUPPORTED
from bot.storage import tables as t
from bot.web.check_messages import in_german
from bot.web.console import render, web_context
from bot.web.context import WebContext
from bot.web.editor_forms import (
    TRANSLATION_FIELDS,
    NewEntryForm,
    TranslationForm,
    file_version,
    problems_by_field,
)
from bot.web.preview import Preview, preview_reply, with_version
from bot.web.question_vectors import VECTORS
from bot.web.staff_session import requires
from bot.web.word_diff import Piece, diff_lines, word_diff

__all__ = ["editor_routes"]

logger = logging.getLogger(__name__)
STALE = ("Jemand hat diesen Eintrag geändert, während Sie ihn bearbeitet haben. Ihr Text "
         "steht noch im Formular; bitte vergleichen Sie mit dem Verlauf und speichern Sie "
         "dann noch einmal.")

STATUS_NAMES = {"missing": "fehlt", "draft": "Entwurf", "reviewed": "geprüft",
                "outdated": "veraltet"}
CITY_NAMES = {"krefeld": "Krefeld", "essen": "Essen", "nrw": "ganz NRW"}
AUDIENCE_NAMES = {"residents": "Menschen, die neu in Deutschland sind",
                  "professionals": "Fachkräfte (Schulen, Vereine, Träger)"}
CLUSTER_DAYS = 90
CLUSTER_LIMIT = 500
HISTORY_LIMIT = 50
STAND_IN_ID = "neuer-eintrag-zur-pruefung"



def _author(request: Request) -> str:
    return str(request.state.user.username)


def _category_names() -> dict[str, str]:
    german = translator("de")
    return {code: german.gettext(core_texts.CATEGORY_NAMES[code]) for code in CATEGORIES}


def _values(values: dict[str, Any]) -> dict[str, Any]:
    return {"status_names_kb": STATUS_NAMES, "city_names": CITY_NAMES,
            "audience_names": AUDIENCE_NAMES, "category_names": _category_names(),
            "supported": SUPPORTED, **values}


def _redirect(request: Request, name: str, query: str = "", **params: Any) -> Response:
    url = str(request.url_for(name, **params))
    return RedirectResponse(url + (f"?{query}" if query else ""), status_code=303)


async def _reload(context: WebContext) -> None:
    """Rebuild the running assistant from the files just written. The write is done either
    way: if the rebuild fails, the assistant keeps answering from the previous files and
    the periodic reload tries again."""
    try:
        await context.live.reload(force=True)
    except Exception:
        logger.exception("rebuilding the assistant after an edit failed")


def _small_int(text: str) -> int | None:
    """A form or query value as a small non-negative int (None if it is not one)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


async def _entry_or_none(context: WebContext, entry_id: str) -> Entry | None:
    if not is_valid_id(entry_id):
        return None
    try:
        return await asyncio.to_thread(context.workspace.entry, entry_id)
    except KnowledgeEditError:
        return None


def _missing(request: Request, entry_id: str, what: str = "") -> Response:
    what = what or f"Einen Eintrag „{entry_id}“ gibt es nicht (mehr)."
    return render(request, "console/knowledge_missing.html", _values({"what": what}),
                   status_code=404)


# --- the list ------------------------------------------------------------------------------


@requires("knowledge")
async def knowledge_list(request: Request) -> Response:
    """Every entry with the status of every language; filters for city, topic, language,
    status and text."""
    context = web_context(request)
    rows = await asyncio.to_thread(context.workspace.overview)
    filters = {key: request.query_params.get(key, "")[:80] for key in
               ("city", "category", "language", "status", "q")}
    totals = Counter(status for row in rows for status in row.statuses.values())
    language = filters["language"] if filters["language"] in LANGUAGES else ""
    shown = []
    for row in rows:
        if filters["city"] in CITIES and row.city != filters["city"]:
            continue
        if filters["category"] in CATEGORIES and row.category != filters["category"]:
            continue
        statuses = [row.statuses[language]] if language else list(row.statuses.values())
        if filters["status"] in STATUS_NAMES and filters["status"] not in statuses:
            continue
        needle = filters["q"].strip().casefold()
        if needle and needle not in row.title.casefold() and needle not in row.id:
            continue
        shown.append(row)
    return render(request, "console/knowledge_list.html", _values({
        "rows": shown, "total": len(rows), "totals": totals, "filters": filters,
        "cities": CITIES, "categories": CATEGORIES,
        "notice": request.query_params.get("done", "")}))


# --- one entry -----------------------------------------------------------------------------


def _revision_view(revision: Revision) -> dict[str, Any]:
    return {"revision": revision, "lines": diff_lines(revision.diff),
            "when": revision.created_at}


def _undo_refusal(revision_id: int, history: list[Revision]) -> str:
    """Why a revision cannot be undone, in German (from the entry's history)."""
    later = [r for r in history if r.id > revision_id]
    if any(r.undoes == revision_id for r in later):
        return f"Änderung #{revision_id} wurde schon rückgängig gemacht."
    if later:
        newest = later[0]
        return (f"Nach Änderung #{revision_id} wurde der Eintrag noch einmal geändert "
                f"(#{newest.id} von {newest.author}). Machen Sie zuerst die neueren Änderungen "
                "rückgängig.")
    return (f"Änderung #{revision_id} kann nicht rückgängig gemacht werden: die Datei wurde "
            "außerhalb der Redaktion geändert.")


async def _entry_page(request: Request, entry: Entry, *, error: str = "",
                      status_code: int = 200) -> Response:
    context = web_context(request)
    history = await context.workspace.history(entry.id, limit=HISTORY_LIMIT)
    versions = []
    for code in SUPPORTED:
        version = entry.translations.get(code)
        versions.append({"language": LANGUAGES[code], "status": language_status(entry, code),
                         "title": version.title if version is not None else ""})
    source_titles = context.live.assistant.index.knowledge.source_titles
    return render(request, "console/knowledge_entry.html", _values({
        "entry": entry, "versions": versions, "history": [_revision_view(r) for r in history],
        "source_titles": source_titles, "error": error,
        "notice": request.query_params.get("done", ""),
        "notice_language": request.query_params.get("lang", ""),
        "hints": _small_int(request.query_params.get("hints", "")) or 0,
    }), status_code=status_code)


@requires("knowledge")
async def knowledge_entry(request: Request) -> Response:
    """One entry: its facts, every language version with its status, and its history."""
    entry_id = request.path_params["entry_id"]
    entry = await _entry_or_none(web_context(request), entry_id)
    if entry is None:
        return _missing(request, entry_id)
    return await _entry_page(request, entry)


# --- editing one language version ----------------------------------------------------------


def _german_then(history: list[Revision], based_on: str,
                 knowledge_dir: Path) -> Translation | None:
    """The German version a translation was written against (found in the history by its
    hash), so translators see what changed since."""
    for revision in history:
        for text in (revision.after, revision.before):
            if not text:
                continue
            old, _ = parse_entry_text(text, knowledge_dir / revision.path, revision.path)
            if old is not None and MASTER_LANGUAGE in old.translations \
                    and master_hash(old) == based_on:
                return old.translations[MASTER_LANGUAGE]
    return None


def _preview_document(request: Request, preview: Preview) -> str:
    """The preview as a small HTML document (for an iframe's ``srcdoc``) styled by the web
    chat's own style sheet."""
    template = web_context(request).templates.get_template("console/preview.html")
    return template.render(preview=preview,
                           stylesheet=str(request.url_for("static", path="chat.css")),
                           language=LANGUAGES.get(preview.language))


def _preview_of(request: Request, entry: Entry, language: str, form: TranslationForm) -> str:
    context = web_context(request)
    edited = with_version(entry, language, title=form.title, answer=form.answer,
                          questions=form.questions)
    assistant = context.live.assistant
    return _preview_document(request, preview_reply(
        edited, language, knowledge=assistant.index.knowledge,
        make_translator=assistant.make_translator))


async def _edit_page(request: Request, entry: Entry, language: str, form: TranslationForm, *,
                     problems: tuple[FieldProblem, ...] = (), error: str = "",
                     checked: bool = False, status_code: int = 200) -> Response:
    context = web_context(request)
    german = entry.translations.get(MASTER_LANGUAGE)
    version = entry.translations.get(language)
    status = language_status(entry, language)
    changes: list[Piece] = []
    if status == OUTDATED and german is not None and version is not None and version.based_on:
        history = await context.workspace.history(entry.id, limit=HISTORY_LIMIT)
        then = await asyncio.to_thread(_german_then, history, version.based_on,
                                       context.settings.knowledge_dir)
        if then is not None:
            changes = word_diff(f"{then.title}\n\n{then.answer}",
                                f"{german.title}\n\n{german.answer}")
    problems = _concerning(problems, language)
    return render(request, "console/knowledge_edit.html", _values({
        "entry": entry, "language": LANGUAGES[language], "form": form, "status": status,
        "german": german if language != MASTER_LANGUAGE else None, "changes": changes,
        "problems": _grouped_for_version(problems, language), "error": error,
        "checked": checked, "preview": _preview_of(request, entry, language, form),
        "count_errors": sum(p.is_error for p in problems),
        "count_warnings": sum(not p.is_error for p in problems),
    }), status_code=status_code)


def _grouped_for_version(problems: tuple[FieldProblem, ...], language: str,
                         ) -> dict[str, list[FieldProblem]]:
    """Problems by the edit form's fields; those of the entry's other fields (sources,
    contact ...) are shown with the general ones, as this form cannot change them."""
    grouped: dict[str, list[FieldProblem]] = {}
    for name, found in problems_by_field(problems, language).items():
        target = name if name in TRANSLATION_FIELDS else "general"
        grouped.setdefault(target, []).extend(found)
    return grouped


def _concerning(problems: tuple[FieldProblem, ...], language: str) -> tuple[FieldProblem, ...]:
    """The problems an editor of one language version should see: every error, and the
    warnings about this version or the entry as a whole (not those of other languages)."""
    own = f"translations.{language}"
    return tuple(p for p in problems if p.is_error or p.field is None
                 or not p.field.startswith("translations")
                 or p.field == own or p.field.startswith(own + "."))


def _language_of(request: Request) -> str | None:
    language = str(request.path_params["language"])
    return language if language in LANGUAGES else None


async def _version_target(request: Request) -> tuple[Entry, str] | Response:
    """The entry and language a version route is about, or the "not found" page."""
    entry_id, language = request.path_params["entry_id"], _language_of(request)
    entry = await _entry_or_none(web_context(request), entry_id)
    if entry is None or language is None:
        return _missing(request, entry_id, "" if entry is None else
                        "Diese Sprache gibt es im Wegweiser nicht.")
    return entry, language


@requires("knowledge")
async def knowledge_edit(request: Request) -> Response:
    """The form for one language version, filled with its current text."""
    context = web_context(request)
    target = await _version_target(request)
    if isinstance(target, Response):
        return target
    entry, language = target
    version = entry.translations.get(language)
    form = TranslationForm(
        title=version.title if version is not None else "",
        answer=version.answer if version is not None else "",
        questions=version.questions if version is not None else (),
        reviewed=language_status(entry, language) == REVIEWED,
        version=file_version(entry.path) if entry.path is not None else "")
    # What the checks say about the text as it is, so nothing waits for the first keystroke.
    problems = await _dry_run(context, entry, language, form) if version is not None else ()
    return await _edit_page(request, entry, language, form, problems=problems)


def _summary(entry: Entry, language: str, form: TranslationForm) -> str:
    """A German line for the history: what the save did."""
    name = LANGUAGES[language].german_name
    state = "als geprüft gespeichert" if form.reviewed else "als Entwurf gespeichert"
    if language != MASTER_LANGUAGE:
        return f"{name}: {state}"
    if MASTER_LANGUAGE in entry.translations and \
            text_hash(form.title, form.answer) != master_hash(entry):
        if form.minor:
            return f"{name}: {state}; kleine Korrektur, Übersetzungen bleiben aktuell"
        return f"{name}: {state}; Text geändert, Übersetzungen sind jetzt veraltet"
    return f"{name}: {state}"


def _prepare(context: WebContext, entry: Entry, language: str,
             form: TranslationForm) -> EditResult:
    return context.workspace.editor.save_translation(
        entry.id, language, title=form.title, answer=form.answer, questions=form.questions,
        minor=form.minor, mark_reviewed=form.reviewed, dry_run=True)


def _unreadable(message: str) -> FieldProblem:
    return FieldProblem(Severity.ERROR, "Die Datei des Eintrags kann so nicht bearbeitet "
                        f"werden ({message}). Bitte wenden Sie sich an das Technik-Team.", 1)


async def _dry_run(context: WebContext, entry: Entry, language: str,
                   form: TranslationForm) -> tuple[FieldProblem, ...]:
    try:
        result = await asyncio.to_thread(_prepare, context, entry, language, form)
    except KnowledgeEditError as exc:
        return (_unreadable(str(exc)),)
    return result.problems


@requires("knowledge")
async def knowledge_save(request: Request) -> Response:
    """Check (``action=check``) or save one language version."""
    context = web_context(request)
    target = await _version_target(request)
    if isinstance(target, Response):
        return target
    entry, language = target
    entry_id = entry.id
    submitted = await request.form()
    form = TranslationForm.parse(submitted)
    if submitted.get("action") == "check":
        problems = await _dry_run(context, entry, language, form)
        return await _edit_page(request, entry, language, form, problems=problems, checked=True)
    def build() -> EditResult:
        # Inside the revision log's lock: the file is the one the form was opened on.
        if entry.path is None or file_version(entry.path) != form.version:
            raise StaleFileError(f"{entry_id} changed since the form was opened")
        return _prepare(context, entry, language, form)

    try:
        saved = await context.workspace.log.apply(build, author=_author(request),
                                                  summary=_summary(entry, language, form))
    except StaleFileError:
        fresh = await _entry_or_none(context, entry_id)
        if fresh is None:
            return _missing(request, entry_id)
        version = fresh.translations.get(language)
        if version is not None and (version.title, version.answer, version.questions) == (
                form.title, form.answer, form.questions):  # e.g. the form sent twice
            return _redirect(request, "knowledge_entry", f"done=unchanged&lang={language}",
                             entry_id=entry_id)
        current = file_version(fresh.path) if fresh.path is not None else ""
        return await _edit_page(
            request, fresh, language, dataclasses.replace(form, version=current),
            problems=await _dry_run(context, fresh, language, form), status_code=409,
            error=STALE)
    except KnowledgeEditError as exc:
        return await _edit_page(request, entry, language, form, problems=(_unreadable(str(exc)),),
                                status_code=422, error="Nicht gespeichert.")
    if not saved.written:
        if not saved.result.ok:
            return await _edit_page(
                request, entry, language, form, problems=saved.result.problems,
                status_code=422, error="Nicht gespeichert: bitte beheben Sie die markierten "
                                       "Fehler.")
        return _redirect(request, "knowledge_entry", f"done=unchanged&lang={language}",
                         entry_id=entry_id)
    await _reload(context)
    hints = len(_concerning(saved.result.warnings, language))
    return _redirect(request, "knowledge_entry", f"done=saved&lang={language}&hints={hints}",
                     entry_id=entry_id)


@requires("knowledge")
async def knowledge_check(request: Request) -> Response:
    """Live checks while typing: the problems per field and the preview, as JSON."""
    context = web_context(request)
    target = await _version_target(request)
    if isinstance(target, Response):
        return JSONResponse({"error": "not found"}, status_code=404)
    entry, language = target
    form = TranslationForm.parse(await request.form())
    problems = _concerning(await _dry_run(context, entry, language, form), language)
    grouped = _grouped_for_version(problems, language)
    return JSONResponse({
        "problems": {name: [{"error": p.is_error, "message": in_german(p.message),
                             "line": p.line}
                            for p in found] for name, found in grouped.items()},
        "errors": sum(p.is_error for p in problems),
        "warnings": sum(not p.is_error for p in problems),
        "preview": _preview_of(request, entry, language, form),
    }, headers={"Cache-Control": "no-store"})


@requires("knowledge")
async def knowledge_review(request: Request) -> Response:
    """Mark one language version as reviewed (confirms a translation against the German)."""
    context = web_context(request)
    target = await _version_target(request)
    if isinstance(target, Response):
        return target
    entry, language = target
    entry_id = entry.id
    if language not in entry.translations:
        return await _entry_page(request, entry, status_code=409,
                                 error="Diese Sprachfassung gibt es noch nicht.")
    try:
        saved = await context.workspace.mark_reviewed(
            entry_id, language, author=_author(request),
            summary=f"{LANGUAGES[language].german_name}: als geprüft markiert")
    except KnowledgeEditError as exc:
        return await _entry_page(request, entry, status_code=409,
                                 error=f"Nicht als geprüft markiert: {exc}.")
    if not saved.written:
        if not saved.result.ok:
            return await _entry_page(
                request, entry, status_code=422,
                error="Nicht als geprüft markiert: der Eintrag hat Fehler ("
                      + "; ".join(in_german(p.message) for p in saved.result.errors) + ").")
        return _redirect(request, "knowledge_entry", f"done=unchanged&lang={language}",
                         entry_id=entry_id)
    await _reload(context)
    return _redirect(request, "knowledge_entry", f"done=reviewed&lang={language}",
                     entry_id=entry_id)


@requires("knowledge")
async def knowledge_undo(request: Request) -> Response:
    """Undo one revision (refused, with the reason, when a later change exists)."""
    context = web_context(request)
    revision_id = int(request.path_params["revision_id"])
    revision = await context.workspace.log.get(revision_id)
    if revision is None:
        return _missing(request, "", f"Eine Änderung #{revision_id} gibt es nicht.")
    try:
        await context.workspace.undo(revision_id, author=_author(request))
    except KnowledgeEditError:  # refused, or the file changed meanwhile
        history = await context.workspace.history(revision.entry_id, limit=HISTORY_LIMIT)
        entry = await _entry_or_none(context, revision.entry_id)
        if entry is None:
            return _missing(request, revision.entry_id)
        return await _entry_page(request, entry, status_code=409,
                                 error=_undo_refusal(revision_id, history))
    await _reload(context)
    if await _entry_or_none(context, revision.entry_id) is None:  # undid a creation
        return _redirect(request, "knowledge_list", "done=undone")
    return _redirect(request, "knowledge_entry", "done=undone", entry_id=revision.entry_id)


# --- new entries ---------------------------------------------------------------------------


def _draft_entry(form: NewEntryForm) -> Entry:
    """The entry the form describes (for the preview)."""
    german = Translation(MASTER_LANGUAGE, "draft", form.title, form.answer, form.questions)
    return Entry(id=form.id or "neuer-eintrag", city=form.city or "nrw",
                 audience=form.audience, category=form.category or "about",
                 sources=form.sources, last_checked=dt.datetime.now(tz=dt.UTC).date(),
                 translations={MASTER_LANGUAGE: german}, needs_review=form.needs_review,
                 review_note=form.review_note, legal_adjacent=form.legal_adjacent,
                 contact=form.contact)


def _prepare_entry(context: WebContext, form: NewEntryForm, entry_id: str) -> EditResult:
    """The new entry the form describes, validated, not written (an unknown city is checked
    as ``nrw``: the form refuses it on its own)."""
    return context.workspace.editor.create_entry(
        entry_id, city=form.city if form.city in CITIES else "nrw", category=form.category,
        audience=form.audience, title=form.title, answer=form.answer,
        questions=form.questions, sources=form.sources, contact=form.contact,
        legal_adjacent=form.legal_adjacent, needs_review=form.needs_review,
        review_note=form.review_note, dry_run=True)


def _new_entry_problems(context: WebContext, form: NewEntryForm) -> tuple[FieldProblem, ...]:
    """Every problem of the new entry at once: an unusable id stops the editor's checks, so
    the rest is then checked under a stand-in id."""
    problems = _prepare_entry(context, form, form.id).problems
    if any(p.field == "id" for p in problems):
        problems += tuple(p for p in _prepare_entry(context, form, STAND_IN_ID).problems
                          if p.field != "id")
    # A new entry has only German: the page says once that translations follow.
    return tuple(p for p in problems if p.is_error or p.field != "translations")


async def _new_page(request: Request, form: NewEntryForm, *,
                    problems: tuple[FieldProblem, ...] = (), refusals: dict[str, str] | None = None,
                    error: str = "", status_code: int = 200) -> Response:
    context = web_context(request)
    assistant = context.live.assistant
    preview = _preview_document(request, preview_reply(
        _draft_entry(form), MASTER_LANGUAGE, knowledge=assistant.index.knowledge,
        make_translator=assistant.make_translator))
    source_titles = assistant.index.knowledge.source_titles
    refusals = refusals or {}
    grouped = {name: found for name, found in problems_by_field(problems).items()
               if name not in refusals}  # a refused choice is explained once, in German
    for name, message in refusals.items():
        grouped[name] = [FieldProblem(Severity.ERROR, message, 0, name)]
    return render(request, "console/knowledge_new.html", _values({
        "form": form, "problems": grouped, "refusals": refusals,
        "error": error, "preview": preview, "source_titles": source_titles,
        "cities": CITIES, "categories": CATEGORIES, "audiences": AUDIENCES,
        "count_errors": sum(p.is_error for found in grouped.values() for p in found),
    }), status_code=status_code)


async def _suggestion(context: WebContext, suggestion_id: int) -> t.FaqSuggestion | None:
    async with context.db.sessions() as session:
        return await session.get(t.FaqSuggestion, suggestion_id)


def _prefill_from_suggestion(suggestion: t.FaqSuggestion) -> NewEntryForm:
    german = suggestion.language == MASTER_LANGUAGE
    return NewEntryForm(city=suggestion.city or "", answer=suggestion.answer.strip(),
                        questions=(suggestion.question.strip(),) if german else (),
                        suggestion=suggestion.id, origin=(suggestion.question.strip(),))


@requires("knowledge")
async def knowledge_new(request: Request) -> Response:
    """The form for a new entry (empty, or filled from a staff suggestion)."""
    context = web_context(request)
    suggestion_id = _small_int(request.query_params.get("suggestion", ""))
    form = NewEntryForm()
    if suggestion_id is not None:
        suggestion = await _suggestion(context, suggestion_id)
        if suggestion is not None and suggestion.status == "new":
            form = _prefill_from_suggestion(suggestion)
    return await _new_page(request, form)


@requires("knowledge")
async def knowledge_create(request: Request) -> Response:
    """Prefill (from a cluster of questions), check or create a new entry."""
    context = web_context(request)
    submitted = await request.form()
    form = NewEntryForm.parse(submitted)
    action = submitted.get("action")
    if action == "prefill":
        return await _new_page(request, form)
    refusals = form.refusals()
    if action == "check" or refusals:
        problems = await asyncio.to_thread(_new_entry_problems, context, form)
        return await _new_page(request, form, problems=problems, refusals=refusals,
                               status_code=200 if action == "check" else 422,
                               error="" if action == "check" else
                               "Nicht angelegt: bitte beheben Sie die markierten Fehler.")
    try:
        saved = await context.workspace.log.apply(
            lambda: _prepare_entry(context, form, form.id), author=_author(request),
            summary="Neuer Eintrag (deutscher Entwurf)")
    except KnowledgeEditError as exc:  # e.g. the same id was created a moment ago
        return await _new_page(request, form, problems=(_unreadable(str(exc)),),
                               status_code=409, error="Nicht angelegt.")
    if not saved.written:
        problems = await asyncio.to_thread(_new_entry_problems, context, form)
        return await _new_page(request, form, problems=problems, status_code=422,
                               error="Nicht angelegt: bitte beheben Sie die markierten Fehler.")
    if form.suggestion is not None:
        await _set_suggestion_status(context, form.suggestion, "drafted")
    await _reload(context)
    return _redirect(request, "knowledge_entry", "done=created", entry_id=form.id)


# --- suggestions ---------------------------------------------------------------------------


async def _set_suggestion_status(context: WebContext, suggestion_id: int, status: str) -> None:
    async with context.db.writing(), context.db.sessions() as session, session.begin():
        suggestion = await session.get(t.FaqSuggestion, suggestion_id)
        if suggestion is not None:
            suggestion.status = status


def _clusters(context: WebContext, texts: list[tuple[int, str]],
              languages: dict[int, str]) -> list[dict[str, Any]]:
    """Groups of handed-off questions, each with what the assistant answers today (entries
    added since may already cover it)."""
    embedder = context.live.runtime.embedder
    if embedder is None or not texts:
        return []
    assistant = context.live.assistant
    found = []
    def embed(batch: Sequence[str]) -> npt.NDArray[Any]:
        return VECTORS.embed(embedder, batch)

    for cluster in unmatched_clusters(texts, embed):
        outcome = assistant.answer(Incoming(text=cluster.representative))
        covered = None
        if outcome.decision is Decision.ANSWER and outcome.entry_id is not None:
            entry = assistant.index.knowledge.get(outcome.entry_id)
            if entry is not None and MASTER_LANGUAGE in entry.translations:
                covered = {"id": entry.id,
                           "title": entry.translations[MASTER_LANGUAGE].title}
        members = [text for ticket_id, text in texts if ticket_id in cluster.member_ids]
        found.append({"cluster": cluster, "covered": covered, "members": members[:8],
                      "german": [text for ticket_id, text in texts
                                 if ticket_id in cluster.member_ids
                                 and languages.get(ticket_id) == MASTER_LANGUAGE],
                      "languages": sorted({languages.get(i, "?") for i in cluster.member_ids})})
    return found


@requires("knowledge")
async def knowledge_suggestions(request: Request) -> Response:
    """Staff-proposed answers (``/faq``) and groups of handed-off questions no entry answers,
    each one click from a new draft entry."""
    context = web_context(request)
    async with context.db.sessions() as session:
        suggestions = list(await session.scalars(
            select(t.FaqSuggestion).where(t.FaqSuggestion.status == "new")
            .order_by(t.FaqSuggestion.id.desc()).limit(100)))
    since = dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=CLUSTER_DAYS)
    texts = (await handed_off_questions(context.db, since))[-CLUSTER_LIMIT:]
    async with context.db.sessions() as session:
        ids = [ticket_id for ticket_id, _ in texts]
        languages = dict((await session.execute(
            select(t.Ticket.id, t.Ticket.language).where(t.Ticket.id.in_(ids)))).all()) \
            if ids else {}
    clusters = await asyncio.to_thread(_clusters, context, texts, languages)
    return render(request, "console/knowledge_suggestions.html", _values({
        "suggestions": suggestions, "clusters": clusters, "days": CLUSTER_DAYS,
        "single": len(texts) - sum(c["cluster"].size for c in clusters),
        "notice": request.query_params.get("done", "")}))


@requires("knowledge")
async def suggestion_dismiss(request: Request) -> Response:
    """Put a staff suggestion aside (it stays in the database, not in the list)."""
    await _set_suggestion_status(web_context(request), int(request.path_params["suggestion_id"]),
                                 "dismissed")
    return _redirect(request, "knowledge_suggestions", "done=dismissed")


def editor_routes() -> list[Route]:
    """Routes of the editor workspace."""
    base = "/console/knowledge"
    version = base + "/entries/{entry_id}/{language}"
    return [
        Route(base, knowledge_list, name="knowledge_list"),
        Route(base + "/new", knowledge_new, name="knowledge_new"),
        Route(base + "/new", knowledge_create, methods=["POST"], name="knowledge_create"),
        Route(base + "/suggestions", knowledge_suggestions, name="knowledge_suggestions"),
        Route(base + "/suggestions/{suggestion_id:int}/dismiss", suggestion_dismiss,
              methods=["POST"], name="suggestion_dismiss"),
        Route(base + "/revisions/{revision_id:int}/undo", knowledge_undo, methods=["POST"],
              name="knowledge_undo"),
        Route(base + "/entries/{entry_id}", knowledge_entry, name="knowledge_entry"),
        Route(version, knowledge_edit, name="knowledge_edit"),
        Route(version, knowledge_save, methods=["POST"], name="knowledge_save"),
        Route(version + "/check", knowledge_check, methods=["POST"], name="knowledge_check"),
        Route(version + "/review", knowledge_review, methods=["POST"], name="knowledge_review"),
    ]

