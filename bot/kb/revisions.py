"""Revision history and undo for knowledge-base edits, stored in the ``kb_revisions`` table.

Every change written through :class:`RevisionLog` (or the :class:`KnowledgeWorkspace`
facade) is recorded with the whole file before and after it, so it can be shown as a diff
and undone. An undo writes the old text back (or deletes a file the revision created), but
only while the file still holds exactly what that revision wrote; it is recorded as a new
revision that names the one it undoes.

The file is written inside the database transaction that records the revision: if writing
fails nothing is recorded, and if recording fails the file is put back. Changes are queued
one at a time per :class:`RevisionLog` (one process); a file changed in any other way
meanwhile is noticed and not overwritten (:class:`~bot.kb.editing.StaleFileError`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bot.kb.editing import (
    EditResult,
    EntryOverview,
    KnowledgeEditError,
    KnowledgeEditor,
    read_text_or_none,
    replace_file_text,
)
from bot.kb.model import Contact, Entry, Source
from bot.storage import tables as t
from bot.storage.db import Database

__all__ = [
    "AUTHOR_LENGTH",
    "KnowledgeWorkspace",
    "Revision",
    "RevisionLog",
    "Saved",
    "UndoRefused",
]

AUTHOR_LENGTH = 64
SUMMARY_LENGTH = 256


class UndoRefused(KnowledgeEditError):
    """The revision cannot be undone (unknown, or the file changed after it)."""


@dataclass(frozen=True, slots=True)
class Revision:
    """One recorded change of a knowledge file.

    ``before`` is None when the change created the file, ``after`` None when it deleted it
    (the undo of a creation). ``path`` is relative to the knowledge folder.
    """

    id: int
    entry_id: str
    language: str | None
    path: str
    author: str
    summary: str
    before: str | None
    after: str | None
    created_at: dt.datetime
    undoes: int | None = None

    @property
    def diff(self) -> str:
        """Return the change as a unified diff (``/dev/null`` for a created or deleted file)."""
        return "".join(difflib.unified_diff(
            (self.before or "").splitlines(keepends=True),
            (self.after or "").splitlines(keepends=True),
            fromfile="/dev/null" if self.before is None else f"a/{self.path}",
            tofile="/dev/null" if self.after is None else f"b/{self.path}",
        ))


@dataclass(frozen=True, slots=True)
class Saved:
    """An edit and the revision it was recorded as (None: not written, see the result)."""

    result: EditResult
    revision_id: int | None

    @property
    def written(self) -> bool:
        """Return True when the file was written."""
        return self.revision_id is not None


@dataclass(frozen=True, slots=True)
class _Change:
    entry_id: str
    language: str | None
    path: str
    before: str | None
    after: str | None
    summary: str


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; the stored values are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _revision(row: t.KnowledgeRevision) -> Revision:
    return Revision(
        id=row.id,
        entry_id=row.entry_id,
        language=row.language,
        path=row.path,
        author=row.author,
        summary=row.summary,
        before=row.before,
        # The column cannot be NULL: an empty text stands for "the file was deleted"
        # (an entry file is never empty).
        after=row.after or None,
        created_at=_aware(row.created_at),
        undoes=row.undoes,
    )


def _author(author: str) -> str:
    name = " ".join(author.split())
    if not name:
        raise KnowledgeEditError("every change needs an author")
    if len(name) > AUTHOR_LENGTH:
        raise KnowledgeEditError(f"the author's name is longer than {AUTHOR_LENGTH} characters")
    return name


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(tz=dt.UTC)


class RevisionLog:
    """Write edits of one knowledge folder and record them as revisions; undo them."""

    def __init__(self, database: Database, knowledge_dir: Path, *,
                 now: Callable[[], dt.datetime] = _utcnow) -> None:
        self.database = database
        self.knowledge_dir = knowledge_dir
        self._now = now
        self._lock = asyncio.Lock()

    async def apply(self, build: Callable[[], EditResult], *, author: str,
                    summary: str | None = None) -> Saved:
        """Prepare an edit with ``build`` (e.g. a :class:`KnowledgeEditor` method with
        ``dry_run=True``) and, if it has no errors and changes the file, write and record it.

        Preparing and writing happen under one lock, so edits made through this log never
        overwrite each other.
        """
        name = _author(author)
        async with self._lock:
            result = await asyncio.to_thread(build)
            if not result.ok or not result.changed:
                return Saved(result, None)
            revision = await self._commit(self._change_of(result, summary), name, None)
        return Saved(dataclasses.replace(result, written=True), revision.id)

    async def commit(self, result: EditResult, *, author: str, summary: str | None = None) -> int:
        """Write a prepared edit and record it; return the revision id.

        Raises:
            KnowledgeEditError: when the edit has errors or changes nothing.
            StaleFileError: when the file changed since the edit was prepared.
        """
        if not result.ok:
            raise KnowledgeEditError("not written: " + "; ".join(e.message for e in result.errors))
        if not result.changed:
            raise KnowledgeEditError("nothing to write: the edit changes nothing")
        name = _author(author)
        async with self._lock:
            revision = await self._commit(self._change_of(result, summary), name, None)
        return revision.id

    async def history(self, entry_id: str, *, limit: int = 100) -> list[Revision]:
        """Return the entry's revisions, newest first."""
        async with self.database.sessions() as session:
            rows = await session.scalars(
                select(t.KnowledgeRevision)
                .where(t.KnowledgeRevision.entry_id == entry_id)
                .order_by(t.KnowledgeRevision.id.desc())
                .limit(limit)
            )
            return [_revision(row) for row in rows]

    async def get(self, revision_id: int) -> Revision | None:
        """Return one revision, or None."""
        async with self.database.sessions() as session:
            row = await session.get(t.KnowledgeRevision, revision_id)
            return _revision(row) if row is not None else None

    async def undo(self, revision_id: int, *, author: str) -> Revision:
        """Undo a revision: put back the text before it (delete the file it created).

        Raises:
            UndoRefused: when there is no such revision, or the file no longer holds what the
                revision wrote (a later change exists: undo that first).
        """
        name = _author(author)
        async with self._lock:
            revision = await self.get(revision_id)
            if revision is None:
                raise UndoRefused(f"there is no revision {revision_id}")
            current = read_text_or_none(self.knowledge_dir / revision.path)
            if current != revision.after:
                raise UndoRefused(await self._why_not(revision))
            change = _Change(revision.entry_id, revision.language, revision.path,
                             before=revision.after, after=revision.before,
                             summary=_summary(f"undo of revision {revision.id}: "
                                              f"{revision.summary}"))
            return await self._commit(change, name, revision.id)

    # internals

    @staticmethod
    def _change_of(result: EditResult, summary: str | None) -> _Change:
        return _Change(result.entry_id, result.language, result.path, result.before,
                       result.after, _summary(summary or result.summary))

    async def _commit(self, change: _Change, author: str, undoes: int | None) -> Revision:
        """Record the revision and write the file in one transaction (lock held)."""
        target = self.knowledge_dir / change.path
        written = False
        try:
            async with self.database.writing(), self.database.sessions() as session, \
                    session.begin():
                row = t.KnowledgeRevision(
                    entry_id=change.entry_id, language=change.language, path=change.path,
                    author=author, summary=change.summary, before=change.before,
                    after=change.after if change.after is not None else "", undoes=undoes,
                    created_at=self._now(),
                )
                session.add(row)
                await session.flush()
                revision = _revision(row)
                # Synchronous on purpose: a write cannot be cancelled half-way.
                replace_file_text(target, expected=change.before, new=change.after)
                written = True
        except BaseException:
            if written:  # the revision was not recorded: put the file back
                with contextlib.suppress(Exception):
                    replace_file_text(target, expected=change.after, new=change.before)
            raise
        return revision

    async def _why_not(self, revision: Revision) -> str:
        async with self.database.sessions() as session:
            later = await session.scalar(
                select(t.KnowledgeRevision)
                .where(t.KnowledgeRevision.path == revision.path,
                       t.KnowledgeRevision.id > revision.id)
                .order_by(t.KnowledgeRevision.id.desc())
                .limit(1)
            )
        if later is None:
            return (f"{revision.path} was changed outside the workspace after revision "
                    f"{revision.id}; it cannot be undone here")
        if later.undoes == revision.id:
            return f"revision {revision.id} was already undone by revision {later.id}"
        return (f"{revision.path} was changed after revision {revision.id}: revision {later.id} "
                f"by {later.author} ({later.summary}). Undo that first.")


class KnowledgeWorkspace:
    """The editor and the revision log together: every written edit is a revision."""

    def __init__(self, knowledge_dir: Path, database: Database, *,
                 editor: KnowledgeEditor | None = None, log: RevisionLog | None = None) -> None:
        self.editor = editor or KnowledgeEditor(knowledge_dir)
        self.log = log or RevisionLog(database, knowledge_dir)

    def overview(self) -> list[EntryOverview]:
        """Return every entry with the status of every language."""
        return self.editor.overview()

    def entry(self, entry_id: str) -> Entry:
        """Return the entry as it is on disk."""
        return self.editor.entry(entry_id)

    async def save_translation(
        self,
        entry_id: str,
        language: str,
        *,
        author: str,
        title: str,
        answer: str,
        questions: Sequence[str],
        minor: bool = False,
        mark_reviewed: bool = False,
        summary: str | None = None,
    ) -> Saved:
        """See :meth:`KnowledgeEditor.save_translation`; written edits are recorded."""
        return await self.log.apply(
            lambda: self.editor.save_translation(
                entry_id, language, title=title, answer=answer, questions=questions,
                minor=minor, mark_reviewed=mark_reviewed, dry_run=True),
            author=author, summary=summary)

    async def mark_reviewed(self, entry_id: str, language: str, *, author: str,
                            summary: str | None = None) -> Saved:
        """See :meth:`KnowledgeEditor.mark_reviewed`; written edits are recorded."""
        return await self.log.apply(
            lambda: self.editor.mark_reviewed(entry_id, language, dry_run=True), author=author,
            summary=summary)

    async def create_entry(
        self,
        entry_id: str,
        *,
        author: str,
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
    ) -> Saved:
        """See :meth:`KnowledgeEditor.create_entry`; a created entry is recorded."""
        return await self.log.apply(
            lambda: self.editor.create_entry(
                entry_id, city=city, category=category, audience=audience, title=title,
                answer=answer, questions=questions, sources=sources, last_checked=last_checked,
                contact=contact, legal_adjacent=legal_adjacent, needs_review=needs_review,
                review_note=review_note, dry_run=True),
            author=author)

    async def history(self, entry_id: str, *, limit: int = 100) -> list[Revision]:
        """Return the entry's revisions, newest first (each with its diff)."""
        return await self.log.history(entry_id, limit=limit)

    async def undo(self, revision_id: int, *, author: str) -> Revision:
        """Undo a revision; return the new revision that records the undo."""
        return await self.log.undo(revision_id, author=author)
