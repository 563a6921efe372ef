"""Write a synthetic knowledge folder of N entries, like the public benchmark folders.

Entries are in city ``nrw``, in one or two languages (German, English), some with no
question phrasings at all (found through the answer text). Texts are built from a fixed
vocabulary with a fixed seed, so every run measures the same folder.

Run: ``python -m benchmarks.synthetic_kb N FOLDER``
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import yaml

TOPICS_DE = ["Schule", "Sprachkurs", "Kita", "Arbeit", "Wohnung", "Sport", "Beratung",
             "Verein", "Gesundheit", "Familie", "Ausbildung", "Ehrenamt", "Musik", "Kultur"]
TOPICS_EN = ["school", "language course", "day care", "work", "housing", "sport",
             "counselling", "club", "health", "family", "training", "volunteering", "music",
             "culture"]
SYLLABLES = ["ka", "lo", "mi", "ren", "tu", "sa", "ber", "gin", "fol", "dar", "ni", "pe"]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def _entry(number: int, rng: random.Random) -> dict[str, object]:
    topic = rng.randrange(len(TOPICS_DE))
    name = _name(rng)
    place = _name(rng)
    translations: dict[str, object] = {}
    languages = ["de", "en"] if rng.random() < 0.5 else [rng.choice(["de", "en"])]
    for language in languages:
        if language == "de":
            title = f"{TOPICS_DE[topic]}: {name} in {place}"
            answer = (f"Das Angebot {name} in {place} hilft bei {TOPICS_DE[topic]}. "
                      f"Fragen Sie bei der Stelle {_name(rng)} nach einem Termin.")
            questions = [f"Gibt es {TOPICS_DE[topic]} bei {name}?",
                         f"Wo ist {name} in {place}?",
                         f"{TOPICS_DE[topic].lower()} {place.lower()} {name.lower()}"]
        else:
            title = f"{TOPICS_EN[topic].capitalize()}: {name} in {place}"
            answer = (f"The {name} service in {place} helps with {TOPICS_EN[topic]}. "
                      f"Ask the {_name(rng)} office for an appointment.")
            questions = [f"Is there {TOPICS_EN[topic]} at {name}?",
                         f"Where is {name} in {place}?",
                         f"{TOPICS_EN[topic]} {place.lower()} {name.lower()}"]
        keep = rng.choice([0, 1, 2, 3])  # a quarter of the versions have no phrasings
        translations[language] = {"status": "draft", "title": title, "answer": answer,
                                  "questions": questions[:keep]}
    return {
        "id": f"synthetic-{number:05d}",
        "city": "nrw",
        "audience": "residents",
        "category": "about",
        "sources": [{"file": "synthetic.txt", "section": f"entry {number}"}],
        "last_checked": "2026-01-01",
        "translations": translations,
    }


def write_synthetic(count: int, folder: Path, seed: int = 7) -> list[str]:
    """Write ``count`` entries below ``folder``; return sample questions (half unanswerable)."""
    rng = random.Random(seed)
    target = folder / "nrw"
    target.mkdir(parents=True, exist_ok=True)
    questions: list[str] = []
    for number in range(count):
        entry = _entry(number, rng)
        path = target / f"{entry['id']}.yaml"
        path.write_text(yaml.safe_dump(entry, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        if number % max(1, count // 100) == 0:
            versions = entry["translations"]
            assert isinstance(versions, dict)
            version = next(iter(versions.values()))
            questions.append(f"{version['title']}?")
            questions.append(f"Wie beantrage ich ein {_name(rng)}-Visum für {_name(rng)}?")
    return questions


if __name__ == "__main__":
    write_synthetic(int(sys.argv[1]), Path(sys.argv[2]))
