"""The composition root: the embedding cache, configuration errors, and the `kb` commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.kb.editing import KnowledgeEditor, stamp_translations
from bot.runtime import build_runtime
from tests.conftest import FAKE_MATCH, FIXTURES
from tests.fakes import FakeEmbedder


def test_restart_embeds_nothing_and_an_edit_embeds_only_the_changed_texts(
    tmp_path: Path,
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "kb_small", knowledge)
    settings = load_settings(knowledge_dir=knowledge, data_dir=tmp_path / "data",
                             match=FAKE_MATCH)
    first = FakeEmbedder()
    build_runtime(settings, embedder=first, progress=None)
    assert first.texts_embedded > 50

    again = FakeEmbedder()
    build_runtime(settings, embedder=again, progress=None)
    assert again.texts_embedded == 0

    sport = knowledge / "krefeld" / "sport.yaml"
    sport.write_text(sport.read_text(encoding="utf-8").replace(
        "Fussball für mein Kind", "Fußballverein für meine Tochter"), encoding="utf-8")
    edited = FakeEmbedder()
    runtime = build_runtime(settings, embedder=edited, progress=None)
    assert edited.texts_embedded == 1
    assert runtime.embedded == 1


def test_progress_is_reported_while_embedding_a_large_batch(tmp_path: Path) -> None:
    seen: list[int] = []

    def progress(total: int):  # type: ignore[no-untyped-def]
        seen.append(total)
        return lambda count: seen.append(-count)

    settings = load_settings(knowledge_dir=FIXTURES / "kb_small", data_dir=tmp_path,
                             match=FAKE_MATCH)
    build_runtime(settings, embedder=FakeEmbedder(), progress=progress)
    assert seen
    assert seen[0] > 32
    assert -sum(n for n in seen if n < 0) >= seen[0]


def test_unreadable_knowledge_folder_stops_with_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    status = main(["kb", "stats", "--knowledge", str(tmp_path / "missing")])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1
    assert "WEGWEISER_KNOWLEDGE_DIR" in err[0]
    assert "does not exist" in err[0]


def test_wrong_threshold_in_the_environment_stops_with_one_clear_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEGWEISER_MATCH__ANSWER_THRESHOLD", "high")
    status = main(["kb", "stats"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert err == [err[0]]
    assert "WEGWEISER_MATCH__ANSWER_THRESHOLD" in err[0]


def test_kb_check_exits_non_zero_on_errors_and_prints_path_line_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["kb", "check", "--no-confusables", "--knowledge",
                   str(FIXTURES / "kb_broken")])
    out = capsys.readouterr().out
    assert status == 1
    assert "broken-entry.yaml:5: error: unknown field 'colour'" in out
    assert out.strip().splitlines()[-1].startswith("1 entries checked:")


def test_kb_check_passes_on_a_clean_folder(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["kb", "check", "--no-confusables", "--knowledge",
                   str(FIXTURES / "kb_small")])
    assert status == 0, capsys.readouterr().out


def test_kb_stats_json_lists_each_entry_with_its_language_statuses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["kb", "stats", "--json", "--knowledge", str(FIXTURES / "kb_small")]) == 0
    data = json.loads(capsys.readouterr().out)
    by_id = {row["id"]: row for row in data["entries"]}
    assert by_id["sport"] == {"id": "sport", "city": "krefeld",
                              "languages": {"de": "reviewed", "en": "draft", "ar": "draft"},
                              "outdated": []}
    assert set(by_id) == {"sport", "school", "essen-contact", "no-legal-advice"}


def test_kb_stats_table_shows_coverage_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "stats", "--knowledge", str(FIXTURES / "kb_small")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("4 entries: essen 1, krefeld 2, nrw 1")
    assert "Arabic (ar)" in out


def test_kb_stats_counts_translations_outdated_by_a_german_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "kb_small", knowledge)
    stamp_translations(knowledge)
    entry = KnowledgeEditor(knowledge).entry("sport")
    german = entry.translations["de"]
    KnowledgeEditor(knowledge).save_translation(
        "sport", "de", title=german.title, answer=german.answer + " Neu: dienstags.",
        questions=german.questions, mark_reviewed=True)
    assert main(["kb", "stats", "--json", "--knowledge", str(knowledge)]) == 0
    by_id = {row["id"]: row for row in json.loads(capsys.readouterr().out)["entries"]}
    assert by_id["sport"]["outdated"] == ["en", "ar"]
    assert by_id["school"]["outdated"] == []
    assert main(["kb", "stats", "--knowledge", str(knowledge)]) == 0
    arabic = next(line for line in capsys.readouterr().out.splitlines() if "(ar)" in line)
    assert arabic.split()[-1] == "1"
