"""Read YAML and remember the line of every key and list item, for editor-friendly messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["LocatedYaml", "YamlSyntaxError", "load_located"]

Path_ = tuple[str | int, ...]


class YamlSyntaxError(ValueError):
    """The text is not valid YAML; ``line`` is 1-based."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class LocatedYaml:
    """A parsed YAML document with the 1-based line of every path in it."""

    data: Any
    lines: dict[Path_, int]

    def line_of(self, *path: str | int) -> int:
        """Return the line of ``path``, or of its nearest located parent (1 at worst)."""
        probe: Path_ = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return 1


# libyaml's loader is several times faster and keeps line marks; fall back if it is missing.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _walk(
    loader: yaml.SafeLoader, node: yaml.Node, path: Path_, lines: dict[Path_, int]
) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key = key if isinstance(key, str | int) else str(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            mapping[key] = _walk(loader, value_node, (*path, key), lines)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [
            _walk(loader, item, (*path, index), lines) for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def load_located(text: str) -> LocatedYaml:
    """Parse one YAML document, keeping line numbers.

    Raises:
        YamlSyntaxError: when the text is not valid YAML.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path_, int] = {}
        data = None if node is None else _walk(loader, node, (), lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlSyntaxError(str(exc.problem or exc), line) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(str(exc), 1) from exc
    finally:
        loader.dispose()
    return LocatedYaml(data, lines)
