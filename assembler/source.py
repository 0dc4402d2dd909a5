"""Load a YAML file safely, as text only, with the line of every field.

Every scalar stays the text the clerk typed (``23.00017720`` keeps its zero, ``Nee`` and
``No`` are words, ``14:00`` is not 840); the pydantic models type it. YAML features that
only cause surprises in a hand-written form are refused with a Dutch message: anchors and
aliases, several documents, explicit tags, deep nesting, duplicate keys, huge files and
files that are not UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assembler.errors import InputRejected, Problem

try:  # libyaml parses 300 dossiers in ~0.05 s, the pure-Python loader in ~1 s
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 1_000_000
MAX_DEPTH = 20

FieldPath = tuple[str | int, ...]
YamlValue = str | None | list["YamlValue"] | dict[str, "YamlValue"]

_NULL_WORDS = {"", "~", "null", "Null", "NULL"}
_CORE_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE_TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge")
}


@dataclass(frozen=True)
class Source:
    """A parsed YAML file: plain data (text scalars) plus the line of every field path."""

    path: Path
    display: str
    data: YamlValue
    lines: dict[FieldPath, int] = field(default_factory=dict)
    text: str = ""

    def line_of(self, path: FieldPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), None)


def field_label(path: FieldPath) -> str:
    """Write a field path as a clerk reads it: ``behandeling[2].datum`` (counted from 1)."""
    label = ""
    for part in path:
        if isinstance(part, int):
            label += f"[{part + 1}]"
        else:
            label += f".{part}" if label else part
    return label


def load_yaml(path: Path, display: str | None = None) -> Source:
    """Read ``path`` as a single YAML mapping of text; raise InputRejected listing every problem."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _reject(
                shown,
                None,
                f"bestand is te groot: {size} bytes, maximaal {MAX_BYTES} "
                "(kort de tekst in of zet lange stukken in een bijlage)",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _reject(shown, None, "bestand bestaat niet") from None
    except IsADirectoryError:
        raise _reject(shown, None, "is een map, geen YAML-bestand") from None
    except OSError as error:
        raise _reject(shown, None, f"kan niet gelezen worden ({error.strerror})") from None
    return parse_yaml(raw, path, shown)


def parse_yaml(raw: bytes, path: Path, display: str) -> Source:
    """Parse the bytes of a YAML file; see :func:`load_yaml`."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _reject(
            display,
            None,
            f"is geen UTF-8 (onleesbaar teken op regel {line}; sla het bestand op als UTF-8)",
        ) from None
    if "&" in text or "*" in text:
        _refuse_anchors(text, display)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise _syntax_problem(error, display, text) from None
    except yaml.reader.ReaderError as error:
        raise _unreadable_character(error, display, text) from None
    except yaml.YAMLError as error:  # pragma: no cover - libyaml always gives marks
        raise _reject(display, None, f"is geen geldige YAML ({error})") from None
    if node is None:
        raise _reject(display, 1, "het bestand is leeg (vul de velden in)")
    if not isinstance(node, yaml.MappingNode):
        kind = "een lijst" if isinstance(node, yaml.SequenceNode) else "losse tekst"
        raise _reject(
            display,
            node.start_mark.line + 1,
            f"het bestand bevat {kind}; verwacht velden als 'onderwerp: ...' (sleutel: waarde)",
        )
    builder = _Builder(display)
    data = builder.build(node, (), 0)
    if builder.problems:
        raise InputRejected(f"{display}: ongeldige YAML", builder.problems)
    return Source(path=path, display=display, data=data, lines=builder.lines, text=text)


class _Builder:
    """Turns composed nodes into plain data, recording lines and refusing risky features."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.lines: dict[FieldPath, int] = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: FieldPath, depth: int) -> YamlValue:
        line = node.start_mark.line + 1
        self.lines.setdefault(path, line)
        if depth > MAX_DEPTH:
            self._problem(
                path, line, f"is dieper genest dan {MAX_DEPTH} niveaus (maak het platter)"
            )
            return None
        if node.tag not in _ALLOWED_TAGS:
            self._problem(path, line, f"label '{node.tag}' is niet toegestaan (laat het label weg)")
            return None
        if isinstance(node, yaml.ScalarNode):
            value: str = node.value
            if not node.style and value in _NULL_WORDS:
                return None
            return value
        if isinstance(node, yaml.SequenceNode):
            return [
                self.build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)
            ]
        assert isinstance(node, yaml.MappingNode)
        result: dict[str, YamlValue] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(path, key_line, "een sleutel moet een woord zijn, geen lijst of blok")
                continue
            key = key_node.value
            if key == "<<":
                self._problem(path, key_line, "samenvoegen met '<<' is niet toegestaan")
                continue
            if key in first_line:
                self._problem(
                    (*path, key),
                    key_line,
                    f"staat twee keer in het bestand, op regel {first_line[key]} en {key_line} "
                    "(houd er één over)",
                )
                continue
            first_line[key] = key_line
            self.lines[(*path, key)] = key_line
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def _problem(self, path: FieldPath, line: int, message: str) -> None:
        self.problems.append(Problem(self.display, line, field_label(path), message))


def _refuse_anchors(text: str, display: str) -> None:
    # Only scanned when '&' or '*' occurs; composing would silently share (and, when
    # expanded, multiply) aliased nodes, which is how a 400-byte file can become gigabytes.
    problems: list[Problem] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            if anchor is None:
                continue
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            kind = "verwijzing *" if isinstance(event, yaml.AliasEvent) else "anker &"
            problems.append(
                Problem(
                    display,
                    line,
                    "",
                    f"{kind}{anchor} is niet toegestaan (schrijf de waarde gewoon uit)",
                )
            )
            if len(problems) >= 20:
                break
    except yaml.MarkedYAMLError as error:
        raise _syntax_problem(error, display, text) from None
    except yaml.reader.ReaderError as error:
        raise _unreadable_character(error, display, text) from None
    if problems:
        raise InputRejected(f"{display}: ankers en verwijzingen", problems)


def _unreadable_character(error: yaml.reader.ReaderError, display: str, text: str) -> InputRejected:
    line = text[: error.position].count("\n") + 1
    return _reject(
        display,
        line,
        f"bevat een onzichtbaar stuurteken (U+{error.character:04X}) (verwijder het)",
    )


def _syntax_problem(error: yaml.MarkedYAMLError, display: str, text: str) -> InputRejected:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = str(error.problem or "")
    offending = ""
    if mark is not None:
        source_lines = text.splitlines()
        if mark.line < len(source_lines) and mark.column < len(source_lines[mark.line]):
            offending = source_lines[mark.line][mark.column]
    if (
        "expected a single document" in str(error.context or "")
        or "but found another document" in problem
    ):
        message = "bevat meer dan één document (verwijder de regel '---' en wat erna komt)"
    elif offending == "\t" or "tab" in problem.lower():
        message = "tab gebruikt om in te springen (gebruik spaties)"
    elif "maximum nesting depth" in problem:
        message = f"is dieper genest dan {MAX_DEPTH} niveaus (maak het platter)"
    elif "could not find expected ':'" in problem or "mapping values are not allowed" in problem:
        message = (
            "ongeldige YAML: een regel mist ':' of heeft een ':' te veel "
            "(schrijf 'sleutel: waarde'; zet tekst met ':' tussen aanhalingstekens)"
        )
    elif "found undefined tag handle" in problem or "found unknown escape character" in problem:
        message = f"ongeldige YAML: {problem} (controleer de tekens rond deze plek)"
    elif "control characters are not allowed" in problem or "special characters" in problem:
        message = "bevat een onzichtbaar stuurteken (verwijder het)"
    else:
        message = f"ongeldige YAML: {problem or error} (controleer inspringing en aanhalingstekens)"
    return _reject(display, line, message)


def _reject(display: str, line: int | None, message: str) -> InputRejected:
    return InputRejected(f"{display}: {message}", [Problem(display, line, "", message)])
