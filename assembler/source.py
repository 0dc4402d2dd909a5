"""Load a YAML file safely, as text only, with the line of every field.

Every scalar stays the text the clerk typed (``23.00017720`` keeps its zero, ``Nee`` and
``No`` are words, ``14:00`` is not 840); the pydantic models type it. YAML features that
only cause surprises in a hand-written form are refused with a Dutch message: anchors and
aliases, several documents, explicit tags, deep nesting, duplicate keys, huge files and
files that are not UTF-8.
"""

from __future__ import annotations

import codecs
import re
import stat
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assembler.errors import InputRejected, Problem

# PartlyRead lived here: the name stays, for the modules that import it from here.
from assembler.errors import PartlyRead as PartlyRead
from assembler.fsutil import unreadable

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
    # Plain text (no '|' or '>') that starts below its key or runs over several lines, with
    # the lines from its key to its end: YAML joins them and takes '#' lines for comments.
    loose_text: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    # Text written with '>' (folded), by its lines in the file: first and last.
    folded: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    # Plain text cut short by what YAML takes for a comment ("plan #3 en ..."): the line, and
    # what was cut off.
    cut_by_comment: dict[FieldPath, tuple[int, str]] = field(default_factory=dict)
    # Text in single quotes that reads as a Dutch name whose apostrophe YAML took for the
    # opening quote ('s-Graveland, gemeentehuis' gives "s-Graveland, gemeentehuis"): its line.
    lost_apostrophe: dict[FieldPath, int] = field(default_factory=dict)
    # How the file ends its lines ('\r\n' as Windows editors save it, '\r', '\n'), and
    # whether it starts with a byte order mark: ``text`` has neither, a rewrite puts them back.
    newline: str = "\n"
    bom: bool = False

    def in_own_form(self, text: str) -> str:
        """``text``, written with '\\n' as ``self.text`` is, with the file's own line ends and
        byte order mark: a command that rewrites the file changes only the lines it changes."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return "\ufeff" + text if self.bom else text

    def loses_text(self, path: FieldPath) -> bool:
        """Whether joining ``path``'s loose lines loses something Markdown would have kept.

        A wrapped paragraph comes out the same; a heading, a list item or a blank line
        between paragraphs does not.
        """
        if path not in self.loose_text:
            return False
        first, last = self.loose_text[path]
        lines = self.text.split("\n")[first:last]  # below the key line, to the value's end
        stripped = "\n".join(line.strip() for line in lines).strip("\n").split("\n")
        # A line that starts with '#' is a YAML comment here, whatever follows it.
        return any(not line or line.startswith("#") or _INTERRUPTS.match(line) for line in stripped)

    def folds_blocks(self, path: FieldPath) -> bool:
        """Whether ``path``, written with '>', joins a heading or list item and a line."""
        if path not in self.folded:
            return False
        first, last = self.folded[path]
        typed = self.text.split("\n")[first:last]
        indent = next((_indent(line) for line in typed if line.strip()), 0)
        lines = []
        for line in typed:  # the block ends at the first line less indented than its first
            if line.strip() and _indent(line) < indent:
                break
            lines.append(line.strip())
        while lines and not lines[-1]:
            lines.pop()  # blank lines below the text belong to no paragraph
        # Joined where '|' would have kept them apart: a line that can start a block below a
        # paragraph line (CommonMark: a heading, a bullet, '1.', a quote; not a dash opening an
        # aside that closes on the line), one below a heading; and two paragraphs, as YAML
        # makes a blank line between them one line break.
        return any(
            (line and above and (_starts_a_block(line) or _HEADING_LINE.match(above)))
            or (not line and _prose(above) and _prose(below))
            for above, line, below in zip(lines[:-1], lines[1:], [*lines[2:], ""], strict=True)
        )

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


_LABEL_PART = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def field_path(label: str) -> FieldPath | None:
    """The field path ``field_label`` wrote as ``label``; None for what it cannot have written."""
    path: list[str | int] = []
    at = 0
    while at < len(label):
        part = _LABEL_PART.match(label, at)
        if part is None or (part.group(1) is not None and at and label[at] != "."):
            return None
        if part.group(1) is None and int(part.group(2)) < 1:
            return None  # counted from 1
        path.append(part.group(1) if part.group(1) is not None else int(part.group(2)) - 1)
        at = part.end()
    return tuple(path) if path and isinstance(path[0], str) else None


def load_yaml(
    path: Path,
    display: str | None = None,
    text_keys: Collection[str] = (),
    *,
    may_be_empty: bool = False,
) -> Source:
    """Read ``path`` as a single YAML mapping of text; raise InputRejected listing every problem.

    ``text_keys`` are the top-level fields that hold running text: a syntax error inside one
    written without '|' is explained as that. ``may_be_empty``: a file without a field (empty,
    or comments only) is an empty mapping, not refused.
    """
    shown = display or str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            # A pipe (FIFO) would keep the command waiting for a writer, a device never end.
            raise _reject(
                shown,
                None,
                "is geen gewoon bestand maar een pipe of apparaat (vervang het door een gewoon "
                "YAML-bestand)",
            )
        size = info.st_size
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
        raise _reject(shown, None, f"kan niet gelezen worden: {unreadable(error)}") from None
    return parse_yaml(raw, path, shown, text_keys, may_be_empty=may_be_empty)


_NULL_TAG = "tag:yaml.org,2002:null"


def compose_leniently(raw: bytes) -> yaml.Node | None:
    """The node tree of a YAML file as :func:`parse_yaml` reads it, without its refusals
    (anchors stay references, nothing is constructed); None when it cannot be read."""
    text = raw.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    return node


def parse_yaml(
    raw: bytes,
    path: Path,
    display: str,
    text_keys: Collection[str] = (),
    *,
    may_be_empty: bool = False,
) -> Source:
    """Parse the bytes of a YAML file; see :func:`load_yaml`."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # What Notepad saves as "UTF-16 LE" (before Windows 10 1903: "Unicode"): every other
        # byte a zero, not one line readable.
        named = (
            "'UTF-16 LE' (in oudere versies 'Unicode')"
            if raw.startswith(codecs.BOM_UTF16_LE)
            else "'UTF-16 BE' (in oudere versies 'Unicode big endian')"
        )
        raise _reject(
            display,
            None,
            f"is opgeslagen als UTF-16 (in Kladblok heet dat {named}; sla het bestand op als "
            "UTF-8: Opslaan als, Codering: UTF-8)",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _reject(
            display,
            line,
            "is geen UTF-8: op deze regel staat het eerste teken dat niet te lezen is (sla het "
            "bestand op als UTF-8)",
        ) from None
    newline, bom = _newline(text), raw.startswith(codecs.BOM_UTF8)
    if "\r" in text:
        # Old Mac and Windows line ends: one line break each, as editors count them.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _UNICODE_BREAK.search(text):
        _refuse_unicode_breaks(text, display)
    if "&" in text or "*" in text:
        _refuse_anchors(text, display, text_keys)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise _syntax_problem(error, display, text, text_keys) from None
    except yaml.reader.ReaderError as error:
        raise _unreadable_character(error, display, text) from None
    except yaml.YAMLError:  # pragma: no cover - libyaml always gives marks
        raise _reject(
            display, None, "is geen geldige YAML (controleer inspringing en aanhalingstekens)"
        ) from None
    # Nothing, or only YAML's word for it ('~', 'null'): a file without a field.
    empty = isinstance(node, yaml.ScalarNode) and not node.style and node.tag == _NULL_TAG
    if node is None or empty:
        if may_be_empty:
            return Source(path=path, display=display, data={}, text=text, newline=newline, bom=bom)
        raise _reject(display, 1, "het bestand is leeg (vul de velden in)")
    if not isinstance(node, yaml.MappingNode):
        hard = _hard_space_after_key(text.split("\n"), node.start_mark.line)
        if isinstance(node, yaml.ScalarNode) and hard is not None:
            raise _reject(display, hard[0], _hard_space_message(hard[1], hard[2]))
        kind = "een lijst" if isinstance(node, yaml.SequenceNode) else "losse tekst"
        raise _reject(
            display,
            node.start_mark.line + 1,
            f"het bestand bevat {kind}; verwacht velden als 'onderwerp: ...' (sleutel: waarde)",
        )
    # A mark can stand on the line after the last when the text does not end in a line end
    # (a lone '?' at the end of the file): that line is there, empty.
    builder = _Builder(display, [*text.split("\n"), ""])
    data = builder.build(node, (), 0)
    source = Source(
        path=path,
        display=display,
        data=data,
        lines=builder.lines,
        text=text,
        loose_text=builder.loose_text,
        folded=builder.folded,
        cut_by_comment=builder.cut_by_comment,
        lost_apostrophe=builder.lost_apostrophe,
        newline=newline,
        bom=bom,
    )
    if builder.problems:
        raise PartlyRead(
            display, builder.problems, source, (field_label(path) for path in builder.dropped)
        )
    return source


def _newline(text: str) -> str:
    """The line end most lines of ``text`` have: '\\r\\n', '\\r' or '\\n' (also for none)."""
    if "\r" not in text:
        return "\n"
    windows = text.count("\r\n")
    mac, unix = text.count("\r") - windows, text.count("\n") - windows
    return max((unix, "\n"), (windows, "\r\n"), (mac, "\r"), key=lambda found: found[0])[1]


class _Builder:
    """Turns composed nodes into plain data, recording lines and refusing risky features."""

    def __init__(self, display: str, text_lines: list[str]) -> None:
        self.display = display
        self.text_lines = text_lines
        self.lines: dict[FieldPath, int] = {}
        self.problems: list[Problem] = []
        self.loose_text: dict[FieldPath, tuple[int, int]] = {}
        self.cut_by_comment: dict[FieldPath, tuple[int, str]] = {}
        self.folded: dict[FieldPath, tuple[int, int]] = {}
        self.lost_apostrophe: dict[FieldPath, int] = {}
        # Fields whose value is left out or replaced by nothing (a label, too deep), or kept
        # as first written (a key twice).
        self.dropped: set[FieldPath] = set()

    def build(
        self,
        node: yaml.Node,
        path: FieldPath,
        depth: int,
        siblings: yaml.SequenceNode | None = None,
    ) -> YamlValue:
        """Plain data of ``node``; ``siblings`` is the list it is an item of, if any."""
        line = node.start_mark.line + 1
        self.lines.setdefault(path, line)
        if depth > MAX_DEPTH:
            self._problem(
                path, line, f"is dieper genest dan {MAX_DEPTH} niveaus (maak het platter)"
            )
            self.dropped.add(path)
            return None
        if node.tag not in _ALLOWED_TAGS:
            self._problem(path, line, self._tag_message(node))
            self.dropped.add(path)
            return None
        if isinstance(node, yaml.ScalarNode):
            value: str = node.value
            if _starts_a_line_with_a_hard_dash(node, self.text_lines):
                self._problem(path, line, _hard_dash_message(value[1]))
                self.dropped.add(path)
                return None
            joined = _item_joined_below(node, self.text_lines) if siblings is not None else None
            if joined is not None:
                self._problem(path, joined, _joined_item_message(node, self.text_lines, joined))
                self.dropped.add(path)
                return None
            # Plain text, or nothing, followed by '#3 ...'; not a date or number with a note.
            end = node.end_mark
            if (
                not node.style
                and "#" in self.text_lines[end.line]  # a plain substring test first: fast
                and (not value or _LETTER.search(value))
            ):
                cut = _NUMBER_SIGN.match(self.text_lines[end.line], end.column)
                # "portefeuillehouder: # nog niet bekend": a note where the value would be, which
                # cuts nothing off; quoted, the note would be the value.
                said = (cut.group(1) or (cut.group(2) if value else None)) if cut else None
                if said:
                    self.cut_by_comment[path] = (end.line + 1, said.rstrip())
            if not node.style and value in _NULL_WORDS:
                return None
            if node.style == ">":
                self.folded[path] = (node.start_mark.line + 1, node.end_mark.line + 1)
            if node.style == "'" and _ELIDED_VALUE.match(value):
                self.lost_apostrophe[path] = line
            # As the clerk sees it: 'ë' one character, also when pasted from macOS as 'e' and
            # a combining diaeresis; counted, printed and exported so (the file keeps its form).
            return unicodedata.normalize("NFC", value)
        if isinstance(node, yaml.SequenceNode):
            return [
                self.build(item, (*path, index), depth + 1, node)
                for index, item in enumerate(node.value)
            ]
        assert isinstance(node, yaml.MappingNode)
        result: dict[str, YamlValue] = {}
        first_line: dict[str, int] = {}  # the keys of this item, since a forgotten dash if any
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(path, key_line, "een sleutel moet een woord zijn, geen lijst of blok")
                self.dropped.add(path)  # a field of it is left out
                continue
            key = key_node.value
            if _starts_a_line_with_a_hard_dash(key_node, self.text_lines):
                self._problem(path, key_line, _hard_dash_message(key[1]))
                self.dropped.add(path)
                continue
            if key == "<<":
                self._problem(path, key_line, "samenvoegen met '<<' is niet toegestaan")
                self.dropped.add(path)
                continue
            if key in first_line:
                start = _merged_entry(first_line, key, key_line, node, siblings)
                if start is not None:
                    # The rest of the item is the next item: its keys are met a second time.
                    self._problem(path[:-1], start, _dash_message(node.start_mark.line + 1))
                    self.dropped.add(path[:-1])  # two items read as one: the list is garbled
                    first_line = {k: n for k, n in first_line.items() if n >= start}
                    first_line[key] = key_line
                    continue
                self._problem(
                    (*path, key),
                    key_line,
                    f"staat twee keer in het bestand, op regel {first_line[key]} en {key_line} "
                    "(houd er één over)",
                )
                self.dropped.add((*path, key))  # the first value is kept
                continue
            first_line[key] = key_line
            self.lines[(*path, key)] = key_line
            result[key] = self.build(value_node, (*path, key), depth + 1)
            if (
                isinstance(value_node, yaml.ScalarNode)
                and not value_node.style
                and value_node.end_mark.line != key_node.start_mark.line
            ):
                self.loose_text[(*path, key)] = (key_line, value_node.end_mark.line + 1)
        return result

    def _tag_message(self, node: yaml.Node) -> str:
        """What is said of a label: a YAML type ('!!python/…'), or text that starts with '!'
        ('!Belangrijk: aanpak'), whose first word deleting the label would delete."""
        if not node.tag.startswith("!") or not isinstance(node, yaml.ScalarNode):
            return f"label '{node.tag}' is niet toegestaan (laat het label weg)"
        mark = node.start_mark
        typed = _double_quoted(
            _first_words(_NOTE.sub("", self.text_lines[mark.line][mark.column :]))
        )
        return (
            f"de tekst begint met '!', en dan leest YAML '{node.tag}' als een label, niet als "
            f'tekst (zet de hele tekst tussen aanhalingstekens: "{typed}")'
        )

    def _problem(self, path: FieldPath, line: int, message: str) -> None:
        self.problems.append(Problem(self.display, line, field_label(path), message))


def _dash_message(example: int) -> str:
    return (
        "hier begint een nieuw punt van de lijst zonder '- ' (begin de regel met '- ' en spring "
        f"in zoals het punt op regel {example})"
    )


def _merged_entry(
    seen: dict[str, int],
    key: str,
    key_line: int,
    item: yaml.MappingNode,
    siblings: yaml.SequenceNode | None,
) -> int | None:
    """The line where a list item that lost its '- ' begins inside ``item``, or None.

    Written at the indentation of the keys above it, an item without its dash merges into the
    item before it, and the first key it shares with that item is met twice. It begins after
    the first ``key``: at the earliest key that can begin an item, from where on the keys
    keep the order the other items have (a behandeling row without datum begins at overleg,
    and one with datum at datum). A key met twice otherwise is just that.
    """
    if siblings is None:
        return None
    others = [
        [k.value for k, _ in entry.value if isinstance(k, yaml.ScalarNode)]
        for entry in siblings.value
        if isinstance(entry, yaml.MappingNode) and entry is not item
    ]
    starts = {keys[0] for keys in others if keys} | {next(iter(seen))}
    before = {(a, b) for keys in others for i, a in enumerate(keys) for b in keys[i + 1 :]}
    run = [(name, line) for name, line in seen.items() if line > seen[key]] + [(key, key_line)]
    for index, (name, line) in enumerate(run):
        rest = [later for later, _ in run[index:]]
        if name in starts and not any(
            (b, a) in before for i, a in enumerate(rest) for b in rest[i + 1 :]
        ):
            return line
    return None


# UTF-8's continuation bytes (0x80-0xBF) as Windows-1252 ("ANSI") shows them; its five unused
# bytes as the C1 controls that Windows makes of them.
_ANSI_TAIL = "".join(
    bytes([byte]).decode("cp1252", "ignore") or chr(byte) for byte in range(0x80, 0xC0)
)
_ANSI_BYTES = {char: byte for byte, char in enumerate(_ANSI_TAIL, start=0x80)}
_TAIL = re.escape(_ANSI_TAIL)
# What UTF-8 becomes when read as ANSI and saved again as UTF-8: 'Ã©' for 'é', 'Â' and a no-break
# space for a no-break space, 'â€“' for '–', 'ðŸ‘' and a fourth for an emoji. Only these
# lead characters, each before as many continuation bytes as they announce: a real 'Ã' or 'â'
# ('SÃO', 'pâte') stands before a letter, never before '©' or '€'.
_MISREAD = re.compile(
    f"Ã[{_TAIL}]|Â[{re.escape(_ANSI_TAIL[0x20:])}]|â[{_TAIL}]{{2}}|ð[{_TAIL}]{{3}}"
)


def misread_as_ansi(text: str) -> tuple[int, str, str, int] | None:
    """The first sign that ``text`` was once read as ANSI and saved again as UTF-8: its line
    (from 1), the characters, what they stood for ('Ã©', 'é'), and how many such there are."""
    found: list[tuple[int, str, str]] = []
    for hit in _MISREAD.finditer(text):
        typed = hit.group()
        raw = typed[0].encode("latin-1") + bytes(_ANSI_BYTES[char] for char in typed[1:])
        try:
            found.append((hit.start(), typed, raw.decode("utf-8")))
        except UnicodeDecodeError:
            continue  # 'ð' before bytes no emoji starts with
    if not found:
        return None
    start, typed, meant = found[0]
    return text.count("\n", 0, start) + 1, typed, meant, len(found)


# YAML 1.1 counts NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR as line breaks, editors mostly do
# not: the value would be cut in two and every later line number would be off by one.
_UNICODE_BREAK = re.compile("[\u0085\u2028\u2029]")


def _refuse_unicode_breaks(text: str, display: str) -> None:
    problems: list[Problem] = []
    for number, line in enumerate(text.split("\n"), start=1):
        found = _UNICODE_BREAK.search(line)
        if found:
            problems.append(
                Problem(
                    display,
                    number,
                    "",
                    f"bevat een onzichtbaar regeleinde (U+{ord(found.group()):04X}) "
                    "(verwijder het, of begin een gewone nieuwe regel)",
                )
            )
            if len(problems) >= 20:
                break
    raise InputRejected(f"{display}: onzichtbare regeleinden", problems)


def _refuse_anchors(text: str, display: str, text_keys: Collection[str] = ()) -> None:
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
        # Said as when composing: '**vet**' in text without '|' hid the advice to add it.
        raise _syntax_problem(error, display, text, text_keys) from None
    except yaml.reader.ReaderError as error:
        raise _unreadable_character(error, display, text) from None
    if problems:
        raise InputRejected(f"{display}: ankers en verwijzingen", problems)


def _unreadable_character(error: yaml.reader.ReaderError, display: str, text: str) -> InputRejected:
    # The reader stops at the first such character, so that is the one to point at; its
    # position counts differently once accented letters come before it.
    found = text.find(chr(error.character))
    line = text.count("\n", 0, found if found >= 0 else error.position) + 1
    return _reject(
        display,
        line,
        f"bevat een onzichtbaar stuurteken (U+{error.character:04X}) (verwijder het)",
    )


def _syntax_problem(
    error: yaml.MarkedYAMLError, display: str, text: str, text_keys: Collection[str] = ()
) -> InputRejected:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    if "maximum nesting depth" in str(error.problem or ""):
        # Nothing below explains it better, and a re-scan of thousands of open brackets costs
        # minutes.
        return _reject(display, line, _syntax_message(str(error.problem), "", "")[0])
    if "invalid Unicode character escape" in str(error.problem or "") and mark is not None:
        half = _HALF_CHARACTER.search(text.split("\n")[mark.line])
        if half is not None:
            return _reject(display, line, _half_character_message(half))
    loose = _loose_text_block(text.split("\n"), mark.line, text_keys) if mark else None
    if loose is not None:
        key_line, key = loose
        return _reject(display, key_line, loose_text_message(key), key)
    hard = _hard_space_after_key(text.split("\n"), mark.line) if mark is not None else None
    if hard is not None:
        return _reject(display, hard[0], _hard_space_message(hard[1], hard[2]))
    context_line = error.context_mark.line if error.context_mark is not None else None
    indent = _hard_indent(text.split("\n"), mark.line, context_line) if mark is not None else None
    if indent is not None:
        return _reject(display, indent[0], _hard_indent_message(indent[1]))
    dash = _hard_dash_before(text, mark.line) if mark is not None else None
    if dash is None and "simple key" in str(error.context or "") and error.context_mark:
        # The scanner gave up inside the text it took for a key, before it was a token.
        key_mark = error.context_mark
        before, at = text.split("\n")[key_mark.line][: key_mark.column], key_mark.column
        found = _HARD_DASH.match(text.split("\n")[key_mark.line], at)
        dash = (key_mark.line + 1, found.group(1)) if found and not before.strip() else None
    if dash is not None:
        return _reject(display, dash[0], _hard_dash_message(dash[1]))
    offending = ""
    if mark is not None:
        source_lines = text.splitlines()
        if mark.line < len(source_lines) and mark.column < len(source_lines[mark.line]):
            offending = source_lines[mark.line][mark.column]
    context = str(error.context or "")
    emptied = _items_under_empty_list(text.split("\n"), mark.line) if mark is not None else None
    if emptied is not None:
        key_line, key, empty = emptied
        return _reject(
            display,
            key_line,
            f"ongeldige YAML: '{key}: {empty}' is een lege lijst, maar eronder staan punten (haal "
            f"'{empty}' weg, zodat de regel '{key}:' is en de punten eronder bij '{key}' horen)",
            key,
        )
    forgotten = _forgotten_dash(error, text.split("\n"))
    if forgotten is not None:
        line, key, example = forgotten
        return _reject(display, line, _dash_message(example), key)
    unindented = _unindented_text(text.split("\n"), mark.line) if mark is not None else None
    if unindented is not None:
        text_line, key, sign = unindented
        return _reject(
            display,
            text_line,
            f"deze regel staat niet ingesprongen, dus hoort hij niet meer bij de tekst onder "
            f"'{key}: {sign}' (spring hem in met twee spaties, zoals de regels erboven)",
            key,
        )
    misaligned = _misaligned_key(text.split("\n"), mark.line) if mark is not None else None
    if misaligned is not None:
        return _reject(display, line, misaligned)
    runaway = _runaway_quote(text, mark.line) if mark is not None else None
    if runaway is not None:
        quote_line, quote_column, closed = runaway
        until = f"ongeldige YAML: het aanhalingsteken dat hier begint, wordt pas op regel {closed}"
        elided = _elided_name(text.split("\n")[quote_line - 1], quote_column)
        if elided is not None:
            return _reject(display, quote_line, f"{until} gesloten; {elided}")
        return _reject(
            display,
            quote_line,
            f"{until} gesloten (zet aan het eind van deze tekst hetzelfde aanhalingsteken)",
        )
    if (
        "quoted scalar" in context
        and "end of stream" in str(error.problem or "")
        and error.context_mark is not None
    ):
        quote = error.context_mark
        elided = _elided_name(text.split("\n")[quote.line], quote.column)
        if elided is not None:
            return _reject(
                display,
                quote.line + 1,
                f"ongeldige YAML: het aanhalingsteken dat hier begint, wordt nergens gesloten; "
                f"{elided}",
            )
    problem = str(error.problem or "")
    if mark is not None and ("expected ':'" in problem or "mapping values" in problem):
        curly = _curly_quoted(text.split("\n"), mark.line)
        if curly is not None:
            return _reject(display, curly, f"ongeldige YAML: {CURLY_QUOTES}")
        if "mapping values" in problem and _has_curly(text.split("\n"), mark.line):
            # "’s-Graveland: aanpak", "“Ruimte voor werk”: aanpak": curly quotes that do not
            # hold the ':'; "between quotes" alone would be typed with Word's quotes again.
            return _reject(display, line, f"ongeldige YAML: {COLON_AMONG_CURLY}")
    if "block scalar" in context and "expected comment or line break" in problem and mark:
        # "toelichting: | Dit is de toelichting": the text belongs on the lines below the sign.
        block = _TEXT_AFTER_SIGN.match(text.split("\n")[mark.line])
        if block is not None:
            key, sign = block.group(1), block.group(2)
            return _reject(
                display,
                line,
                f"ongeldige YAML: achter '{key}: {sign}' staat tekst op dezelfde regel (zet de "
                f"tekst op de regels onder '{sign}', ingesprongen)",
                key,
            )
    message, at_context = _syntax_message(str(error.problem or ""), context, offending)
    if at_context and error.context_mark is not None:
        # An unclosed bracket or quote is noticed lines later; the clerk fixes where it opened.
        line = error.context_mark.line + 1
    if "flow" in context and mark is not None and message.startswith("ongeldige YAML"):
        opened = _open_bracket(text, mark.index)
        if opened is not None:
            bracket, line = opened
            message = _UNCLOSED[bracket]
    return _reject(display, line, message)


# '\ud83d\ude00': how JSON, and so many a web page, writes an emoji: two halves (surrogates),
# which YAML does not take for one character.
_HALF_CHARACTER = re.compile(r"\\u(d[89ab][0-9a-f]{2})(?:\\u(d[c-f][0-9a-f]{2}))?", re.IGNORECASE)


def _half_character_message(half: re.Match[str]) -> str:
    message = (
        f"ongeldige YAML: '\\u{half.group(1)}' is een half teken (surrogaat), en YAML leest geen "
        "halve tekens"
    )
    if half.group(2) is None:
        return f"{message} (typ het teken zelf in plaats van de code met \\)"
    high, low = int(half.group(1), 16), int(half.group(2), 16)
    whole = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
    return f"{message} (typ het teken zelf: '{chr(whole)}', of schrijf '\\U{whole:08X}')"


# "kenmerk:<NBSP>23.0001772": Word and Outlook paste a no-break space, which YAML does not take
# for the space after a key's ':', so the line is one word of text and libyaml fails at it or
# at the line below.
_HARD_SPACE_AFTER_KEY = re.compile(r"^\s*(?:-\s+)?([^\s#'\"\-\[{][^:#]*?):([\u00a0\u2007\u202f])")


def _hard_space_after_key(lines: list[str], error_line: int) -> tuple[int, str, str] | None:
    """The line (from 1), key and space of a key with a no-break space after its ':', on the
    line of the error or the one above it."""
    for index in (error_line - 1, error_line):
        if 0 <= index < len(lines):
            found = _HARD_SPACE_AFTER_KEY.match(lines[index])
            if found:
                return index + 1, found.group(1), found.group(2)
    return None


def _hard_space_message(key: str, space: str) -> str:
    return (
        f"bevat een vaste spatie (U+{ord(space):04X}) na '{key}:', en YAML leest die niet als "
        "spatie (typ daar een gewone spatie)"
    )


# "<NBSP><NBSP>- Instemmen met ...": indentation pasted from Word or Outlook, which YAML takes for
# text, so the line belongs to no key and the error names a ':' that is not there.
_HARD_INDENT = re.compile("[ \t]*([\u00a0\u2007\u202f])")


def _hard_indent(
    lines: list[str], error_line: int, context_line: int | None = None
) -> tuple[int, str] | None:
    """The line (from 1) and space of the first line indented with a no-break space, from the
    line PyYAML's context points at (the text it took for a key: the pasted line, when a normal
    line follows it) or the line above the error, to the line of the error; not more than a few
    lines up: a context at the start of a mapping can lie far above, and a no-break space
    there, in a text block, is text, not the error."""
    first = error_line - 1 if context_line is None else min(context_line, error_line - 1)
    first = max(first, error_line - _NEAR_THE_ERROR)
    for index in range(max(first, 0), error_line + 1):
        if index < len(lines):
            found = _HARD_INDENT.match(lines[index])
            if found:
                return index + 1, found.group(1)
    return None


_NEAR_THE_ERROR = 3


def _hard_indent_message(space: str) -> str:
    return (
        f"deze regel springt in met een vaste spatie (U+{ord(space):04X}), en YAML leest die "
        "niet als spatie (spring in met gewone spaties)"
    )


# "-<NBSP>Instemmen met ...": a list's dash with a no-break space after it, from Word or Outlook.
# YAML reads one word of text, not an item of a list; the line looks right to the clerk.
_HARD_DASH = re.compile("-([\u00a0\u2007\u202f])")


def _item_joined_below(node: yaml.ScalarNode, lines: list[str]) -> int | None:
    """The line (from 1) of the first '- ' line that YAML joined to the plain list item
    ``node`` above it, being indented further; None when it joined none.

    "- Verslag" with "    - Mededelingen" below it is one item, "Verslag - Mededelingen".
    """
    first, last = node.start_mark.line, node.end_mark.line
    if node.style or last == first:
        return None
    for number in range(first + 1, min(last, len(lines) - 1) + 1):
        typed = lines[number].strip()
        if typed == "-" or typed.startswith("- "):
            return number + 1
    return None


def _joined_item_message(node: yaml.ScalarNode, lines: list[str], joined: int) -> str:
    above = lines[node.start_mark.line][node.start_mark.column :].strip()
    below = lines[joined - 1].strip()
    return (
        f"'{below}' is verder ingesprongen dan het punt erboven en wordt eraan vastgeplakt: "
        f"'{above} {below}' (is het een eigen punt: zet de '-' recht onder die van het punt "
        "erboven; hoort het erbij: zet het op dezelfde regel)"
    )


def _starts_a_line_with_a_hard_dash(node: yaml.ScalarNode, lines: list[str]) -> bool:
    """Whether ``node`` is plain text that starts its line with '-' and a no-break space."""
    mark = node.start_mark
    return (
        not node.style
        and _HARD_DASH.match(node.value) is not None
        and not lines[mark.line][: mark.column].strip()
    )


def _hard_dash_before(text: str, error_line: int) -> tuple[int, str] | None:
    """The line (from 1) and space of the last text up to ``error_line`` (0-based) that starts
    its line with '-' and a no-break space: what made YAML fail there."""
    if not any(space in text for space in "\u00a0\u2007\u202f"):
        return None
    lines = text.split("\n")
    found = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.line > error_line:
                break
            if isinstance(token, yaml.ScalarToken) and token.plain:
                mark = token.start_mark
                dash = _HARD_DASH.match(token.value)
                if dash and not lines[mark.line][: mark.column].strip():
                    found = (mark.line + 1, dash.group(1))
    except yaml.YAMLError:
        pass
    return found


def _hard_dash_message(space: str) -> str:
    return (
        f"deze regel begint met '-' en een vaste spatie (U+{ord(space):04X}), en YAML leest die "
        "niet als spatie, dus is het geen punt van een lijst (typ na '-' een gewone spatie)"
    )


# Quotes a word processor or mail program makes of '"' and "'": text to YAML, not quotes.
CURLY = "“”„‘’‚«»"
# Each opening quote with the ones that close it (“…”, „…” or „…“, ‘…’, «…»). '’' opens
# nothing: it is the apostrophe of "’s-Graveland" too.
_CLOSING = {"“": "”“", "„": "”“", "‘": "’‘", "‚": "’‘", "«": "»", "»": "«", "”": "”"}
CURLY_QUOTES = (
    "de tekst staat tussen gekrulde aanhalingstekens, en die telt YAML niet als "
    "aanhalingstekens, dus leest het de ':' erin als een veld (typ rechte aanhalingstekens: "
    "\"...\" of '...')"
)
COLON_AMONG_CURLY = (
    "een regel mist ':' of heeft een ':' te veel (schrijf 'sleutel: waarde'; zet de hele tekst "
    'tussen rechte aanhalingstekens: "...")'
)
_ITEM = re.compile(r"^\s*(?:-\s+)?(.*?)\s*$")
_KEY = re.compile(r"^[^\s#'\"\-\[{][^:#]*?:\s+")
_NOTE = re.compile(r"\s+#.*$")


def between_curly_quotes(text: str) -> bool:
    """Whether all of ``text`` lies between one pair of curly quotes: '“Aanpak: plan”', not
    '“Ruimte voor werk”: aanpak' or '“Ruimte”: “werk”'."""
    text = text.strip()
    closing = _CLOSING.get(text[:1], "")
    return (
        len(text) >= 2
        and text[-1] in closing
        and not any(text[at] in closing and text[at + 1] == ":" for at in range(1, len(text) - 2))
    )


def _curly_quoted(lines: list[str], error_line: int) -> int | None:
    """The line (from 1) of a value between curly quotes, on the line of the error or the one
    above it."""
    for index in (error_line, error_line - 1):
        if not 0 <= index < len(lines):
            continue
        item = _ITEM.match(lines[index])
        whole = item.group(1) if item else ""
        # A list item or a field's value; with a note after it, or without: a '#' may be text.
        values = (whole, _KEY.sub("", whole, count=1))
        if any(between_curly_quotes(v) or between_curly_quotes(_NOTE.sub("", v)) for v in values):
            return index + 1
    return None


def _has_curly(lines: list[str], error_line: int) -> bool:
    return 0 <= error_line < len(lines) and any(char in CURLY for char in lines[error_line])


_FIELD_LINE = re.compile(r"^\s*(- +)?[^\s:#'\"-][^:]*:(\s|$)")


_TEXT_AFTER_SIGN = re.compile(r"^\s*(?:-\s+)?([^\s:#'\"-][^:]*):\s*([|>])")
_BLOCK_KEY = re.compile(r"^([^\s:#'\"-][^:]*):\s*([|>])[-+0-9]*\s*(#.*)?$")
_FIELD_WITHOUT_COLON = re.compile(r"[a-z_]+(\s|$)")


def _unindented_text(lines: list[str], error_line: int) -> tuple[int, str, str] | None:
    """The first line of text pasted at the left margin into a '|' or '>' block above
    ``error_line`` (0-based), the block's key and its sign: YAML ends the block there and fails
    lines later. A line that starts with a word in lower case is left alone: more likely a
    field without its ':' than pasted text."""
    for index in range(min(error_line, len(lines)) - 1, -1, -1):
        line = lines[index]
        if not line or line[0].isspace():
            continue
        block = _BLOCK_KEY.match(line)
        if block is None:
            if _key(line) is not None:
                return None  # a field at the margin: not inside a block
            continue  # text, a list item or a heading at the margin: what is looked for
        for below in range(index + 1, min(error_line + 1, len(lines))):
            text = lines[below]
            if text and not text[0].isspace() and _key(text) is None:
                if _FIELD_WITHOUT_COLON.match(text):
                    return None
                return below + 1, block.group(1), block.group(2)
        return None
    return None


def _runaway_quote(text: str, error_line: int) -> tuple[int, int, int] | None:
    """A quoted text opened on an earlier line that ran on to the line where YAML gave up,
    closed there by the next text's opening quote: (opened, its column, closed); lines
    counted from 1, the column from 0."""
    last = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.line > error_line:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'"):
                last = token
    except yaml.YAMLError:
        pass
    if last is None or last.end_mark.line != error_line:
        return None
    if last.start_mark.line >= error_line:
        return None
    # Only when it swallowed what reads as a next field; a text meant to run over lines, with
    # a mistake after its closing quote, is said where that mistake is.
    swallowed = text.split("\n")[last.start_mark.line + 1 : error_line + 1]
    if not any(_FIELD_LINE.match(line) for line in swallowed):
        return None
    return last.start_mark.line + 1, last.start_mark.column, error_line + 1


# "'s-Graveland", "'s-Hertogenbosch", "'t Gooi": Dutch names that begin with an apostrophe,
# which YAML reads as an opening quote. Closed with a second "'" as a message would advise,
# the apostrophe is gone from the document without a word; double quotes keep it.
_ELIDED = re.compile(r"'([st](?:-| )[^\s,;:!?]+)")
# The value of such a name written between single quotes: "s-Graveland, gemeentehuis". Text
# does not begin with a lone s or t before a hyphen or space and a letter otherwise.
_ELIDED_VALUE = re.compile(r"(?:s-|[st] )[^\W\d_]")
_SHOWN_WORDS = 6


def _elided_name(line: str, column: int) -> str | None:
    """Advice for a quote opened at ``column`` of ``line`` that is the apostrophe of a Dutch
    name ('s-Graveland), or None."""
    found = _ELIDED.match(line, column)
    if found is None:
        return None
    # A note after it ("# nog bevestigen") is still one once the text is closed.
    return _meant_name(_NOTE.sub("", line[column:]))


def _meant_name(text: str) -> str:
    """'bedoelt u 's-Graveland?', with ``text`` (from its apostrophe) between double quotes."""
    found = _ELIDED.match(text)
    name = f"'{found.group(1)}".rstrip(".)") if found else text.split()[0]
    return (
        f"bedoelt u {name}? (zet de tekst dan tussen dubbele aanhalingstekens: "
        f'"{_double_quoted(_first_words(text))}")'
    )


def _first_words(text: str) -> str:
    words = text.split()
    return " ".join(words[:_SHOWN_WORDS]) + (" …" if len(words) > _SHOWN_WORDS else "")


def _double_quoted(text: str) -> str:
    """``text`` as it is written between double quotes in YAML: a '"' or '\\' in it would
    end the text or start a code there, so advice that quotes it escapes them."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def lost_apostrophe_message(value: str) -> str:
    """What is said of ``value``, written between single quotes, whose first quote was the
    apostrophe of a Dutch name ('s-Graveland, gemeentehuis' gives "s-Graveland, ...")."""
    return (
        "YAML leest de ' aan het begin en het eind als aanhalingstekens en laat ze "
        f'weg, dus komt er "{_first_words(value)}" in het document, zonder apostrof; '
        + _meant_name(f"'{value}")
    )


def _forgotten_dash(error: yaml.MarkedYAMLError, lines: list[str]) -> tuple[int, str, int] | None:
    """Where a list item lost its '- ', when that is what broke the file: line, list, example.

    libyaml notices it at the line itself when the item stands where its dash stood ("expected
    '-' indicator"), but when it is the list's first item, only later: at the next item's dash
    ("expected key": the lines between read as the keys of a block, which a dash cannot
    follow), or at its own second line, when that kept the item's indentation ("mapping values
    are not allowed": it reads as the rest of the first line's text). A plain text item of a
    list without its dash makes the next line a key without ':'. Only said when the lines
    around it are list items of the same form.
    """
    problem = str(error.problem or "")
    mark = error.problem_mark
    if mark is None or mark.line >= len(lines):
        return None
    line: int | None
    example: int | None
    if "expected '-' indicator" in problem:
        line, example = mark.line, _item_above(lines, mark.line)
    elif "expected key" in problem and _is_item(lines[mark.line]):
        example, line = mark.line, _first_of_block_above(lines, mark.line)
    elif "mapping values are not allowed" in problem and mark.line > 0:
        # The first item's first line at the items' indentation, its other lines deeper.
        above = mark.line - 1
        example = _item_below(lines, mark.line, _indent(lines[above]))
        line = None if example is None else _first_of_block_above(lines, example)
    elif "expected ':'" in problem and error.context_mark is not None:
        line = min(error.context_mark.line, mark.line)
        example = _item_above(lines, line)
        while example is not None and ":" in lines[example] and ":" not in lines[line]:
            # An agenda's '- dossier: …' beside its plain items: the plain one above is the form.
            example = _item_above(lines, example)
        if example is None or ":" in lines[line] or ":" in lines[example]:
            return None  # only for a list of plain text, like voorstel
    else:
        return None
    if line is None or example is None or _is_item(lines[line]):
        return None
    if _key(lines[line]) not in _item_keys(lines, example):
        return None  # not the same form as the item beside it
    return line + 1, _list_key(lines, min(line, example), _indent(lines[example])), example + 1


def loose_text_message(key: str) -> str:
    """What is said of running text under ``key`` written without '|'."""
    return (
        f"de tekst onder '{key}:' staat er zonder '|': dan lopen de regels in elkaar over en "
        f"vallen regels die met # beginnen weg (zet '|' achter '{key}:', dan blijven kopjes, "
        "lijsten en lege regels zoals ze zijn)"
    )


def folded_text_message(key: str) -> str:
    """What is said of running text under ``key`` written with '>' that joins its blocks."""
    return (
        f"de tekst onder '{key}: >' loopt in elkaar over: alinea's, kopjes en punten van een "
        f"lijst komen achter de regel erboven (zet '|' in plaats van '>' achter '{key}:')"
    )


def _loose_text_block(
    lines: list[str], error_line: int, text_keys: Collection[str]
) -> tuple[int, str] | None:
    """The line and key of a running-text field written without '|' that ``error_line`` is in.

    Such text reads as YAML: a heading '### …' as a comment that ends it, a line ending in ':'
    as a key, '- ' as a list. Said only when the field's first line of text is plain text.
    """
    if not text_keys or error_line >= len(lines):
        return None
    owner = error_line
    while owner >= 0 and (_indent(lines[owner]) > 0 or _is_blank(lines[owner])):
        owner -= 1
    if owner < 0 or owner == error_line:
        return None
    key = _key(lines[owner])
    after = lines[owner].split(":", 1)[1].strip() if key else ""
    if key is None or key not in text_keys or after.startswith(("|", ">", '"', "'", "[", "{")):
        return None
    if not after or after.startswith("#"):
        first = next((n for n in range(owner + 1, error_line + 1) if not _is_blank(lines[n])), None)
        if first is None or _key(lines[first]) is not None or _is_item(lines[first]):
            return None
    return owner + 1, key


# Lines that start a Markdown block of their own: a heading, a list item, a quote.
# A '#' glued to what follows ("#3", "#werk"), after plain text on its line: meant as text,
# but YAML takes ' #' for the start of a comment. So is "regeling # 2" with one space before
# the '#', as in running text; a comment is set apart with more space ("Beleid   # zoals ...").
_NUMBER_SIGN = re.compile(r"[ \t]+(#[^\s#].*)| (#[ \t]+\S.*)")
_LETTER = re.compile(r"[^\W\d_]")
_INTERRUPTS = re.compile(r"#{1,6}(\s|$)|[-*+]\s|1[.)]\s|>")
_HEADING_LINE = re.compile(r"#{1,6}(\s|$)")


def _prose(line: str) -> bool:
    """Whether ``line`` is a paragraph's text: not blank, not a heading."""
    return bool(line) and not _HEADING_LINE.match(line)


_DASHES = ("-", "–", "—")  # a hyphen typed for a dash, an en dash, an em dash


def opens_a_dash_aside(line: str) -> bool:
    """Whether ``line`` opens with a dash that starts an aside closed on the same line
    ('– na overleg met de gemeenten – te laten weten'): text, not a list item."""
    return (
        line[:1] in _DASHES
        and line[1:2] == " "
        and any(f" {dash} " in line[2:] for dash in _DASHES)
    )


def _starts_a_block(line: str) -> bool:
    """Whether ``line`` starts a block below a paragraph line: not '- 42 van hen - vooral…'."""
    return bool(_INTERRUPTS.match(line)) and not opens_a_dash_aside(line)


_KEY = re.compile(r"^\s*(?:-\s+)?([^\s#'\"\-\[{][^:#]*?)\s*:(?:\s|$)")


def _key(line: str) -> str | None:
    found = _KEY.match(line)
    return found.group(1) if found else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_item(line: str) -> bool:
    stripped = line.lstrip(" ")
    return stripped == "-" or stripped.startswith("- ")


def _is_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _misaligned_key(lines: list[str], index: int) -> str | None:
    """Say a key a few spaces off from the key above it, which has its value on its line.

    One space too many makes the line read as the rest of the value above ("mapping values
    are not allowed"), one too few as a block that ends nowhere; libyaml says neither.
    """
    if index >= len(lines) or _key(lines[index]) is None or _is_item(lines[index]):
        return None
    above = next((n for n in range(index - 1, -1, -1) if not _is_blank(lines[n])), None)
    if above is None:
        return None
    key, key_above = _key(lines[index]), _key(lines[above])
    if key is None or key_above is None:
        return None
    value_above = lines[above].split(":", 1)[1].strip()
    if not value_above or value_above.startswith(("|", ">", "#")):
        return None  # a block opens above: a deeper line may be its content
    column, column_above = _key_column(lines[index]), _key_column(lines[above])
    if not 1 <= abs(column - column_above) <= 3:
        return None
    if column > column_above:
        return (
            f"ongeldige YAML: '{key}:' springt verder in dan '{key_above}:' op regel "
            f"{above + 1} (laat '{key}:' recht onder '{key_above}:' beginnen, met spaties)"
        )
    # Less: it may belong under '{key_above}:' or under a key further up; both are said.
    return (
        f"ongeldige YAML: '{key}:' springt minder ver in dan '{key_above}:' op regel "
        f"{above + 1}, maar niet zo ver terug als een sleutel daarboven (laat '{key}:' recht "
        "onder de sleutel beginnen waar het bij hoort, met spaties)"
    )


def _key_column(line: str) -> int:
    """Where the key of ``line`` starts, after the indentation and a list dash if any."""
    stripped = line.lstrip(" ")
    if stripped.startswith("- "):
        return len(line) - len(stripped[2:].lstrip(" "))
    return len(line) - len(stripped)


def _item_above(lines: list[str], index: int) -> int | None:
    """The nearest list item above line ``index`` at its indentation."""
    indent = _indent(lines[index])
    for above in range(index - 1, -1, -1):
        line = lines[above]
        if _is_blank(line) or _indent(line) > indent:
            continue
        return above if _indent(line) == indent and _is_item(line) else None
    return None


def _item_below(lines: list[str], index: int, indent: int) -> int | None:
    """The nearest list item below line ``index`` at ``indent``."""
    for below in range(index + 1, len(lines)):
        line = lines[below]
        if _is_blank(line) or _indent(line) > indent:
            continue
        return below if _indent(line) == indent and _is_item(line) else None
    return None


def _first_of_block_above(lines: list[str], item: int) -> int | None:
    """The first line of what stands between the list item at ``item`` and what holds it."""
    indent = _indent(lines[item])
    first: int | None = None  # the first line of the block
    level: int | None = None  # its first line at the indentation of the items
    for above in range(item - 1, -1, -1):
        line = lines[above]
        if _is_blank(line):
            continue
        if _indent(line) < indent:
            return first if line.rstrip().endswith(":") else None
        if _is_item(line) and _indent(line) == indent:
            # A list written without indentation: what is deeper belongs to the item above.
            return level
        first = above
        if _indent(line) == indent:
            level = above
    return None


def _item_keys(lines: list[str], item: int) -> set[str | None]:
    """The keys of the list item at line ``item``, or {None} for an item of plain text."""
    keys = {_key(lines[item])}
    indent = _indent(lines[item])
    for line in lines[item + 1 :]:
        if _is_blank(line):
            continue
        if _indent(line) <= indent:
            break
        keys.add(_key(line))
    return keys


def _list_key(lines: list[str], first: int, indent: int) -> str:
    """The key that holds the list whose items, from line ``first``, stand at ``indent``."""
    for above in range(first - 1, -1, -1):
        line = lines[above]
        if _is_blank(line) or _indent(line) > indent:
            continue
        if _indent(line) == indent and _is_item(line):
            continue
        return _key(line) or ""
    return ""


_UNCLOSED = {
    "[": "ongeldige YAML: de lijst die hier met '[' begint, wordt niet met ']' gesloten of "
    "mist een komma (sluit de lijst, of zet de tekst tussen aanhalingstekens)",
    "{": "ongeldige YAML: het blok dat hier met '{' begint, wordt niet met '}' gesloten of "
    "mist een komma (sluit het blok, of zet de tekst tussen aanhalingstekens)",
}


def _open_bracket(text: str, index: int) -> tuple[str, int] | None:
    """The innermost '[' or '{' still open at ``index``, and its line; from libyaml's tokens.

    Inside brackets line breaks mean nothing to YAML, so a value like ``datum: {`` swallows
    the lines after it and libyaml complains lines later, about whatever it met there.
    """
    stack: list[tuple[str, int]] = []
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.index >= index:
                break
            if isinstance(token, yaml.FlowSequenceStartToken | yaml.FlowMappingStartToken):
                bracket = "[" if isinstance(token, yaml.FlowSequenceStartToken) else "{"
                stack.append((bracket, token.start_mark.line + 1))
            elif isinstance(token, yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken) and stack:
                stack.pop()
    except yaml.YAMLError:
        pass  # the scanner stops where the parser did; what was seen until then is enough
    return stack[-1] if stack else None


# 'bijlagen: []' as `assembler new` writes it, maybe with a comment after it.
_EMPTY_LIST = re.compile(r"^(\s*)([^\s#:][^:#]*):\s*(\[\s*\]|\{\s*\})\s*(#.*)?$")
# An item of a list, as a clerk adds it under the empty list.
_LIST_ITEM = re.compile(r"^(\s*)-(\s|$)")


def _items_under_empty_list(lines: list[str], at: int) -> tuple[int, str, str] | None:
    """The line (from 1), key and brackets of 'bijlagen: []' when the line ``at`` (from 0),
    where YAML gave up, is a list item written under it: the clerk kept the empty list
    `assembler new` wrote and added the annexes below it."""
    if not 0 <= at < len(lines) or (item := _LIST_ITEM.match(lines[at])) is None:
        return None
    above = at - 1
    while above >= 0 and (not lines[above].strip() or lines[above].lstrip().startswith("#")):
        above -= 1
    empty = _EMPTY_LIST.match(lines[above]) if above >= 0 else None
    if empty is None or len(item.group(1)) < len(empty.group(1)):
        return None
    return above + 1, empty.group(2).strip(), empty.group(3)


_STRUCTURE = (
    "ongeldige YAML: deze regel past niet in de opbouw van het bestand (controleer de "
    "inspringing met spaties, en zet tekst die met een aanhalingsteken begint helemaal "
    "tussen aanhalingstekens)"
)


def _syntax_message(problem: str, context: str, offending: str) -> tuple[str, bool]:
    """Say what libyaml found in the clerk's words; True when the context line is the place.

    libyaml's own texts are English and name parser states, so none of them is passed on.
    """
    if "expected a single document" in context or "but found another document" in problem:
        return "bevat meer dan één document (verwijder de regel '---' en wat erna komt)", False
    if "expected <document start>" in problem:
        return (
            "ongeldige YAML: na het einde van het bestand ('...') of na een verkeerd "
            "ingesprongen regel volgt nog tekst (laat alle velden aan de linkerkant beginnen)",
            False,
        )
    if offending == "\t" or "tab" in problem.lower():
        return "tab gebruikt om in te springen (gebruik spaties)", False
    if "maximum nesting depth" in problem:
        return f"is dieper genest dan {MAX_DEPTH} niveaus (maak het platter)", False
    if "flow sequence" in context:
        return (
            "ongeldige YAML: de lijst die hier met '[' begint, wordt niet met ']' gesloten of "
            "mist een komma (sluit de lijst, of zet de tekst tussen aanhalingstekens)",
            True,
        )
    if "flow mapping" in context:
        return (
            "ongeldige YAML: het blok dat hier met '{' begint, wordt niet met '}' gesloten of "
            "mist een komma (sluit het blok, of zet de tekst tussen aanhalingstekens)",
            True,
        )
    if "quoted scalar" in context and "end of stream" in problem:
        return (
            "ongeldige YAML: het aanhalingsteken dat hier begint, wordt nergens gesloten "
            "(zet aan het eind van de tekst hetzelfde aanhalingsteken)",
            True,
        )
    if "unknown escape character" in problem:
        return (
            "ongeldige YAML: onbekende code met \\ tussen dubbele aanhalingstekens (schrijf "
            "\\\\ voor een backslash, of gebruik enkele aanhalingstekens)",
            False,
        )
    if "could not find expected ':'" in problem or "mapping values are not allowed" in problem:
        return (
            "ongeldige YAML: een regel mist ':' of heeft een ':' te veel "
            "(schrijf 'sleutel: waarde'; zet tekst met ':' tussen aanhalingstekens)",
            False,
        )
    starts = {
        "an alias": "*",
        "an anchor": "&",
        "tag handle": "!",
    }
    first = next((sign for key, sign in starts.items() if key in context + problem), "")
    if not first and ("cannot start any token" in problem or "expected node content" in problem):
        first = offending
    if first and first.strip():
        return (
            f"ongeldige YAML: een waarde mag niet beginnen met '{first}' "
            "(zet de tekst tussen aanhalingstekens)",
            False,
        )
    if (
        "expected key" in problem
        or "'-' indicator" in problem
        or "block sequence entries" in problem
    ):
        return _STRUCTURE, False
    if "control characters are not allowed" in problem or "special characters" in problem:
        return "bevat een onzichtbaar stuurteken (verwijder het)", False
    return (
        "ongeldige YAML (controleer de inspringing, de dubbele punten en de aanhalingstekens "
        "op deze regel)",
        False,
    )


def _reject(display: str, line: int | None, message: str, label: str = "") -> InputRejected:
    return InputRejected(f"{display}: {message}", [Problem(display, line, label, message)])
