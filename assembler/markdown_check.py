"""Markdown typing mistakes that CommonMark quietly prints as typed, for `check` to warn about.

A heading without a space after its '#', bold without its closing '**', a list item without a
space after its '-', a numbered list that does not count on: each validates and builds, and
comes out as literal characters, or with other numbers than typed. So does what is not
printed at all: an empty heading ('###' alone), a line ('---'), and text that a line of
dashes right below it makes a heading. So does a paragraph indented by a tab or four spaces
(pasted from a mail or from Word), which CommonMark makes code: typewriter type, no **vet**,
no links. The text is parsed by the renderer's own parser, so what is said is what would be
printed; only what the parser left as text is looked at (never a fenced code block, a pasted
address or a correct **vet**), those headings and lines, and indented code.
"""

from __future__ import annotations

import base64
import re
import string
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from assembler.answers import key_of, recall
from assembler.source import opens_a_dash_aside

if TYPE_CHECKING:
    from markdown_it.token import Token

_Mistake = tuple[int, str]  # 0-based line within the text, and the Dutch message

# A quote from the text is cut to this many words, with "…" where it was cut.
_QUOTED_WORDS = 5
# ... and to this many characters.
_QUOTED_CHARACTERS = 100
# A link's target is quoted up to this many characters, with "…" where it was cut.
_QUOTED_TARGET = 60

# At the start of a paragraph line: '###Vervolg', '##1. Inleiding', '#Vervolg' (not '#12').
_HEADING = re.compile(r"#{2,6}[^\s#]|#[^\W\d_]")
# '#regiowerkt #thuisinderegio': hashtags, not a heading (a heading starts with a capital).
_HASHTAG = re.compile(r"#[^\W\d_A-Z][\w-]*")
# At the start of a line glued to a list item: '-minimaal', '+ook', '2.Tweede'; not '-420.000'
# (an amount) nor '*excl. btw' (a footnote mark).
_LIST_MARKER = re.compile(r"(?:[-+]|\d{1,9}[.)])(?=[^\W\d_])")
# At the start of a line: a bullet from Word or Outlook ('•\tpunt', 'o\tsubpunt', '– punt',
# '§\tpunt', 'o   punt', '➢ punt'); 'o' only before a tab or spaces (group 3, looked at
# only among other items) and '§' only before a tab and not a number ('§\t3.2 van de wet'),
# as text does not: '§ 3.2 van de wet', 'o zo'; an item may start with a number: 'o\t30% huur'.
_PASTED_BULLET = re.compile(r"([•·▪◦‣●○■□–—➢►➤✓✔◆♦❖])\s|(o(?=\t)|§(?=\t(?!\d)))\t|(o) {2,}")
# At the start of a line: a letter or a Roman number where Markdown wants a number ('a. eerste',
# 'b) tweede', 'B.\tTweede', 'ii. twee'); group 2 is the space after it.
_LETTER_ITEM = re.compile(r"([a-zA-Z]|[ivx]{2,4})[.)](\s+)[^\W\d_]{2}")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
_ROMAN.update({"x": 10, "xi": 11, "xii": 12})
# At the start of a line of a paragraph outside a list: '-minimaal' (no number: '2.5 miljoen').
_DASH = re.compile(r"-(?=[^\W\d_])")
# Emphasis markers left as text: two or three of the same, not part of a longer run.
_STRONG = re.compile(r"(?<!\*)\*{2,3}(?!\*)|(?<!_)_{2,3}(?!_)")
_MARKER_NAMES = {"*": "sterretjes", "_": "liggende streepjes"}


# Raised when what markdown_mistakes says changes, so answers kept by a build are not reused.
CHECK_VERSION = 27


# More '[' open at once in one paragraph than any text has: markdown-it scans from each to the
# end of its paragraph for a ']', which for thousands of them takes seconds to minutes; such a
# text is parsed without links (see markdown.parse).
MAX_OPEN_BRACKETS = 20


def crowded_brackets(text: str) -> tuple[int, int] | None:
    """The first paragraph of ``text`` with more than MAX_OPEN_BRACKETS '[' open at once: the
    0-based line where there came to be that many, and the most that were open in it."""
    if text.count("[") <= MAX_OPEN_BRACKETS:
        return None
    crowded: int | None = None
    open_now = most = 0
    for number, line in enumerate(text.split("\n")):
        if not line.strip():
            if crowded is not None:
                break
            open_now = most = 0
            continue
        escaped = False
        for char in line:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == "[":
                open_now += 1
                most = max(most, open_now)
                if most > MAX_OPEN_BRACKETS and crowded is None:
                    crowded = number
            elif char == "]" and open_now:
                open_now -= 1
    return None if crowded is None else (crowded, most)


def crowded_message(count: int) -> str:
    """What to say of a paragraph with ``count`` '[' open at once (see crowded_brackets)."""
    return (
        f"in deze alinea staan {count} haken '[' die niet met ']' gesloten worden (meer dan "
        f"{MAX_OPEN_BRACKETS} maakt de verwerking traag); alle haken komen zo in het document, "
        "en links als [tekst](adres) worden in deze tekst niet gemaakt (haal de losse '[' weg)"
    )


# GFM's row under a table's header ("| --- | :-: |"): CommonMark, which the render follows,
# has no tables, so the rows come out as text full of "|" (each on a line of its own).
TABLE_RULE = re.compile(r"^ *\|? *:?-{3,}:? *(\| *:?-{3,}:? *)+\|? *$", re.MULTILINE)


def markdown_mistakes(text: str) -> list[tuple[int, str]]:
    """Typing mistakes in Markdown ``text`` that print as typed: (0-based line, Dutch message)."""
    return recall(
        key_of(f"markdown {CHECK_VERSION}", text),
        lambda: _mistakes(text),
        lambda found: [[line, message] for line, message in found],
        lambda kept: [(int(line), str(message)) for line, message in kept],
    )


def _mistakes(text: str) -> list[_Mistake]:
    # The renderer's own parser (with python-docx, which `assembler new` does not need).
    from assembler.markdown import parse, xml_safe

    source = xml_safe(text)
    lines = source.split("\n")
    tokens = parse(source)
    found: list[_Mistake] = []
    crowded = crowded_brackets(source)
    if crowded is not None:
        found.append((crowded[0], crowded_message(crowded[1])))
    items: list[int] = []  # the first line of each list item the token is in
    # Each paragraph's and heading's text as printed, for what stands beside a paragraph.
    texts = [token for token in tokens if token.type == "inline"]
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            items.append(_line(token))
        elif token.type == "list_item_close":
            items.pop()
        elif token.type == "ordered_list_open":
            found.extend(_numbering(tokens, index, lines))
        elif token.type == "bullet_list_open":
            found.extend(_dash_aside(tokens, index, lines))
        elif token.type == "heading_open":
            found.extend(_heading(token, tokens[index + 1], lines))
        elif token.type == "hr":
            found.append((_line(token), _rule_message(lines[_line(token)].strip())))
        elif token.type == "code_block":
            # Only indented code: a fenced block ('```') is asked for in so many characters.
            found.append(_indented(token, lines, in_list=bool(items)))
        elif token.type == "inline" and token.map is not None:
            in_paragraph = tokens[index - 1].type == "paragraph_open"
            beside = _beside(texts, token)
            found.extend(_inline(token, in_paragraph, items[-1] if items else None, beside))
    return sorted(found, key=lambda mistake: mistake[0])


def _line(token: Token) -> int:
    assert token.map is not None  # every block token has its lines
    return token.map[0]


def _beside(texts: list[Token], token: Token) -> tuple[str, str]:
    """The last line of the paragraph (or heading) before ``token``'s and the first of the one
    after it, as printed: without emphasis marks, a quote's '>' or a line break's '\\'."""
    place = next(number for number, text in enumerate(texts) if text is token)
    before = _printed(texts[place - 1]).split("\n")[-1] if place > 0 else ""
    after = _printed(texts[place + 1]).split("\n")[0] if place + 1 < len(texts) else ""
    return before.rstrip("\\ ").strip(), after.strip()


def _printed(inline: Token) -> str:
    """A paragraph's text as printed, a line break as a new line."""
    return "".join(
        "\n" if child.type in ("softbreak", "hardbreak") else child.content
        for child in inline.children or []
        if child.type in ("text", "code_inline", "softbreak", "hardbreak")
    )


def _inline(
    inline: Token, in_paragraph: bool, item_line: int | None, beside: tuple[str, str]
) -> Iterator[_Mistake]:
    """Mistakes in one paragraph's or heading's text, line by line; ``beside``: the lines
    next to it (see _beside)."""
    first = _line(inline)
    typed = inline.content.split("\n")  # its lines as typed, without their indentation
    counted = 0  # line breaks so far; a code span over two lines hides one
    at_line_start = True
    broken = False  # the line before ends in a hard break: this one is printed on its own
    in_bare_link = False  # a pasted address: its characters are the address
    children = inline.children or []
    yield from _not_made(first, typed)
    for index, token in enumerate(children):
        kind = token.type
        if kind in ("softbreak", "hardbreak"):
            counted += 1
            at_line_start = True
            broken = kind == "hardbreak"
            continue
        if kind == "image":
            source = str(token.attrGet("src") or "")
            named = "" if source.startswith("data:") or len(source) > 80 else f" '{source}'"
            instead = f", alleen de beschrijving '{token.content}'" if token.content else ""
            yield (
                first + counted,
                f"de afbeelding{named} komt niet in het document{instead} (zet de afbeelding in "
                "een bijlage)",
            )
        if kind == "link_open":
            # A pasted address, or one as the link's text: its characters are the address.
            in_bare_link = token.markup in ("linkify", "autolink") or bool(
                _unwrapped(_link_text(children, index).strip())
            )
            mistake = (
                _unlinked(children, index)
                or _link_wrapped(children, index)
                or _without_text(children, index)
            )
            if mistake:
                yield first + counted, mistake
        elif kind == "link_close":
            in_bare_link = False
        elif kind == "text" and not in_bare_link:
            here = next(
                (i for i in range(counted, len(typed)) if token.content in typed[i]), counted
            )
            # The line that holds a list item's marker is the item's own: not glued to it.
            if at_line_start and in_paragraph and first + here != item_line:
                around = [line.strip() for line in typed]
                line = typed[here].lstrip()
                if here + 1 < len(typed) and line.endswith("\\") and not line.endswith("\\\\"):
                    line = line[:-1].rstrip()  # a hard break's '\', not part of what is said
                yield from _line_start(first + here, line, item_line, around, here, beside, broken)
            yield from _unclosed(first + here, token.content, inline.content)
        at_line_start = False


# '[tekst](adres met spatie)': CommonMark makes no link of it (a title would be quoted),
# so the brackets are printed, and only the address's first part is a link.
_SPACED_TARGET = re.compile(r"\[([^\]\n]*)\]\(\s*([^\s()<>]+)\s+([^\s\"'(][^)\n]*)\)")
_WEB_ADDRESS = re.compile(r"(?:https?://|www\.|mailto:)", re.I)
# A footnote, '[^1]', and its text, '[^1]: …': not made, printed as typed.
# More links on one line than any text has: the line is not searched for one with a space.
_MOST_LINKS = 200
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]")


def _not_made(first: int, typed: list[str]) -> Iterator[_Mistake]:
    """Markdown of other dialects that the documents print as typed: a link whose address
    has a space, a footnote."""
    for number, line in enumerate(typed):
        for found in _spaced_targets(line):
            text, start, rest = found.groups()
            if _WEB_ADDRESS.match(start):
                fixed = f"[{text}](<{start} {rest.strip()}>)"
                # The address up to the space is made a link of its own (its %20 shown as a
                # space), between the brackets and the rest printed as text.
                said = (
                    "wordt geen link: de haken en wat ertussen staat komen in het document, en "
                    "alleen het adres tot de spatie wordt een link"
                )
                advice = f"zet het adres tussen < >: {quoted(fixed)}, of schrijf %20 voor de spatie"
            else:
                said = "wordt geen link en komt zo, met de haken, in het document"
                advice = f"'{start} {rest.strip()}' is geen webadres; schrijf het als gewone tekst"
            yield (first + number, f"{quoted(found.group())} {said} ({advice})")
        footnote = _FOOTNOTE.search(line)
        if footnote:
            yield (
                first + number,
                f"voetnoten worden niet gemaakt: '{footnote.group()}' komt zo in het document "
                "(zet de noot als gewone tekst in de alinea, bijvoorbeeld tussen haakjes)",
            )


def _spaced_targets(line: str) -> Iterator[re.Match[str]]:
    """What ``_SPACED_TARGET.finditer(line)`` finds, in time linear in the line.

    finditer tries the pattern at every '[' and scans from each to the line's end when no ']'
    follows, which for thousands of '[' takes minutes. Every '[' before the same ']' meets the
    same ']' and what follows it, so only the first of them needs trying; and a line with more
    links than any text has is not looked at (each failed try may scan to the line's end).
    """
    if line.count("](") > _MOST_LINKS:
        return
    at = line.find("[")
    while at >= 0:
        found = _SPACED_TARGET.match(line, at)
        if found is not None:
            yield found
            at = line.find("[", found.end())
            continue
        closing = line.find("]", at)
        if closing < 0:
            return
        at = line.find("[", closing + 1)


def _without_text(tokens: list[Token], opening: int) -> str | None:
    """What to say of a link with nothing between its brackets: it is there, but invisible."""
    following = tokens[opening + 1] if opening + 1 < len(tokens) else None
    if following is None or following.type != "link_close":
        return None
    href = str(tokens[opening].attrGet("href") or "")
    return (
        f"de link naar '{href}' heeft geen tekst, en is dus onzichtbaar in het document (zet "
        "tussen [ ] de tekst die de lezer ziet)"
    )


def _unlinked(tokens: list[Token], opening: int) -> str | None:
    """What to say of the link that opens at ``opening`` if the documents do not make it a link
    (only its text is printed); None if they do."""
    from assembler.markdown import is_linkable, target_as_typed

    href = str(tokens[opening].attrGet("href") or "")
    if not href or is_linkable(href):
        return None  # an empty target is plainly no link
    target = target_as_typed(href)
    if len(target) > _QUOTED_TARGET:
        target = target[:_QUOTED_TARGET] + "…"
    text = _link_text(tokens, opening, marks=False)
    shown = f", alleen de tekst {quoted(text)}" if text.strip() and text != target else ""
    return (
        f"de link '{target}' wordt geen link in het document{shown} (alleen een adres dat begint "
        "met https://, http://, www. of mailto: wordt een link)"
    )


# Links a mail program rewrote to pass through a scanner first; the address meant is inside.
# Outlook's Safe Links, in each of Microsoft's clouds: '…?url=<address>&data=<mailbox>…'.
_SAFE_LINKS = re.compile(
    r"https?://[\w.-]*\.safelinks\.protection\.(?:outlook\.com|office365\.us|partner\.outlook\.cn)/",
    re.I,
)
# Teams (and the Office apps) show Safe Links through a page of Microsoft's: '…?url=<address>'.
_TEAMS_SAFE_LINKS = re.compile(
    r"(https?://(?:[\w-]+\.)*(?:teams\.cdn\.office\.net|static\.microsoft)(?::\d+)?/)"
    r"evergreen-assets/safelinks/\d+/atp-safelinks\.html\?",
    re.I,
)
# URL Defense v1 and v2: '?u=<address>', v2's with '-' for '%' and '_' for '/'.
_URL_DEFENSE_QUERY = re.compile(r"(https?://urldefense\.proofpoint\.com/)(v[12])/url\?", re.I)
# URL Defense v3: '__<address>__;<base64 of the characters replaced by *>!<scanner's data>'.
_URL_DEFENSE_V3 = re.compile(r"https?://urldefense\.(?:com|us)/v3/__(.+?)__;([^!]*)!", re.I)
_URL_DEFENSE_V3_START = re.compile(r"(https?://urldefense\.(?:com|us)/)v3/__", re.I)
# In a v3 address: '*' stands for one stored character, '**' and a letter for a run of them.
_V3_TOKEN = re.compile(r"\*(\*.)?")
_V3_RUNS = {
    mark: length
    for length, mark in enumerate(
        string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_", start=2
    )
}


def _url_defense_address(typed: str) -> str | None:
    """The address a URL Defense v3 link stands for, decoded as Proofpoint's own decoder does;
    None if it cannot be read."""
    found = _URL_DEFENSE_V3.match(typed)
    if found is None:
        return None
    try:
        stored = base64.urlsafe_b64decode(found.group(2) + "==").decode("utf-8")
    except (ValueError, UnicodeDecodeError):  # binascii.Error is a ValueError
        return None
    address = unquote(found.group(1))
    parts: list[str] = []
    used = 0
    end = 0
    for token in _V3_TOKEN.finditer(address):
        length = 1 if token.group(1) is None else _V3_RUNS.get(token.group(1)[1], 0)
        if length == 0 or used + length > len(stored):
            return None
        parts += [address[end : token.start()], stored[used : used + length]]
        used += length
        end = token.end()
    return "".join([*parts, address[end:]])


def _query(address: str) -> dict[str, list[str]]:
    """The parameters of an address's query, each %-decoded once.

    Not parse_qs: a '+' in an address is a '+', not a space as in a form. '&amp;' is read as
    '&' (an address copied from a web page's source, where the mailbox would otherwise hide
    behind the key 'amp;data').
    """
    found: dict[str, list[str]] = {}
    for pair in urlsplit(address.replace("&amp;", "&")).query.split("&"):
        key, _, value = pair.partition("=")
        found.setdefault(unquote(key), []).append(unquote(value))
    return found


def _url_defense_query_address(typed: str, version: str) -> str:
    """The address a URL Defense v1 or v2 link stands for; "" if it has none."""
    address = _query(typed).get("u", [""])[0]
    if version == "v2":  # '-3A' for ':', which the query's decoding left as it was
        address = unquote(address.replace("-", "%").replace("_", "/"))
    return address


def _unwrapped(typed: str) -> tuple[str, str, str, bool] | None:
    """(the scanner's address as shown, what it is, the address meant or "" if unknown,
    whether a mailbox is in it) for a Safe Links (Outlook's, Teams') or URL Defense address,
    unwrapped to the end (Safe Links around URL Defense, or around Safe Links); None for any
    other address."""
    outer: tuple[str, str] | None = None
    mailbox = False
    for _ in range(5):  # a wrapper in a wrapper in …: a few levels at most
        defended = "een door URL Defense beveiligde link, die via Proofpoint loopt"
        if safe_link := _SAFE_LINKS.match(typed):
            query = _query(typed)
            mailbox = mailbox or "@" in " ".join(query.get("data", []))
            what = "een door Outlook beveiligde link (Safe Links), die via Microsoft loopt"
            outer = outer or (safe_link.group(), what)
            typed = query.get("url", [""])[0]
        elif teams := _TEAMS_SAFE_LINKS.match(typed):
            what = "een door Teams beveiligde link (Safe Links), die via Microsoft loopt"
            outer = outer or (teams.group(1), what)
            typed = _query(typed).get("url", [""])[0]
        elif older := _URL_DEFENSE_QUERY.match(typed):
            outer = outer or (older.group(1), defended)
            typed = _url_defense_query_address(typed, older.group(2).lower())
        elif v3 := _URL_DEFENSE_V3_START.match(typed):
            outer = outer or (v3.group(1), defended)
            typed = _url_defense_address(typed) or ""
        else:
            break
        if not typed:
            break
    if outer is None:
        return None
    return outer[0], outer[1], typed, mailbox


def _wrapped(href: str, where: str = "") -> str | None:
    """What to say of an address pasted from Outlook or Teams (Safe Links) or behind URL
    Defense: it goes through the scanner's server (Outlook's with the reader's mailbox in it),
    not to the address meant. ``where`` names what to replace, for an address that is not
    simply the link. ``href`` as the parser gives it or as typed: %-escapes not undone yet, as
    each wrapper's query is decoded once, on its own."""
    found = _unwrapped(href)
    if found is None:
        return None
    shown, what, real, mailbox = found
    real = real.replace(" ", "%20")  # to be typed as a link again, where a space would end it
    if mailbox:
        what += " en een e-mailadres bevat, dat zo in het openbare document komt"
    fix = (
        f"zet{where} het echte adres in de plaats: {real}"
        if real
        else f"open de link, en zet{where} het adres uit de adresbalk van de browser in de plaats"
    )
    return f"'{shown}…' is {what} ({fix})"


def _link_wrapped(tokens: list[Token], opening: int) -> str | None:
    """What to say of a link whose target or text is a scanner's address ('[https://…
    safelinks…](https://…)': what the document prints is the text)."""
    href = str(tokens[opening].attrGet("href") or "")
    text = _link_text(tokens, opening).strip()
    if tokens[opening].markup in ("linkify", "autolink") or not _unwrapped(text):
        return _wrapped(href)
    if _unwrapped(href):
        return _wrapped(href, " zowel tussen [ ] als tussen ( )")
    return _wrapped(text, " tussen [ ]")


def _link_text(tokens: list[Token], opening: int, *, marks: bool = True) -> str:
    """The text of the link that opens at ``opening``: as typed, or (not ``marks``) without
    its emphasis marks, as printed."""
    text = ""
    for index in range(opening + 1, len(tokens)):  # links do not nest: each is read once
        token = tokens[index]
        if token.type == "link_close":
            break
        mark = token.markup if marks and token.type != "text" else ""
        text += " " if token.type in ("softbreak", "hardbreak") else mark + token.content
    return text


def _line_start(
    line: int,
    typed: str,
    item_line: int | None,
    around: list[str],
    here: int,
    beside: tuple[str, str],
    broken: bool = False,
) -> Iterator[_Mistake]:
    """A line of a paragraph that was meant as a heading or as a list item; ``around`` holds
    the paragraph's lines (stripped), ``typed`` being its line ``here``; ``beside`` the lines
    of the paragraphs before and after it; ``broken``: the line above ends in a hard break."""
    in_list = item_line is not None
    above = around[here - 1] if here > 0 else ""
    below = around[here + 1] if here + 1 < len(around) else ""
    follows = bool(above) and not broken
    if _HEADING.match(typed) and not _HASHTAG.match(typed):
        hashes = typed[: len(typed) - len(typed.lstrip("#"))]
        fixed = f"{hashes} {typed[len(hashes) :]}"
        yield (
            line,
            f"{quoted(typed)} wordt geen kopje maar gewone tekst (zet een spatie na de "
            f"#-tekens: {quoted(fixed)})",
        )
        return
    text = "gewone tekst achter de regel erboven" if follows else "gewone tekst"
    bullet = _PASTED_BULLET.match(typed)
    if bullet and bullet.group(1) in _TYPED_DASHES and not _dash_list(above, typed, below):
        bullet = None  # "… de regio\n– na overleg met de gemeenten – te vragen": a dash aside
    if bullet and bullet.group(3) and not (in_list or _in_a_list(above, below)):
        bullet = None  # "Het was\no  zo druk": 'o' and spaces only among other items
    if bullet:
        pasted = next(mark for mark in bullet.groups() if mark)
        yield (
            line,
            f"{quoted(typed)} wordt geen punt van een lijst, maar {text} (begin de regel met "
            f"'- ' in plaats van '{pasted}')",
        )
        return
    if _letter_list(around, here):
        if _numbered_heading(around, beside):
            fixed = "### " + " ".join(typed.split())
            yield (
                line,
                f"{quoted(typed)} wordt gewone tekst, geen kopje (begin de regel met '### ' "
                f"voor een kopje: {quoted(fixed)})",
            )
            return
        yield (
            line,
            f"{quoted(typed)} wordt geen punt van een lijst, maar {text}: een lijst telt met "
            "cijfers (begin de regels met '1. ', '2. ', of met '- ')",
        )
        return
    marker = (_LIST_MARKER if in_list else _DASH).match(typed)
    if marker is None:
        return
    fixed = f"{marker.group()} {typed[marker.end() :]}"
    what = (
        "wordt geen nieuw punt van de lijst, maar komt als tekst achter het punt erboven"
        if in_list
        else "wordt geen punt van een lijst, maar gewone tekst"
    )
    yield line, f"{quoted(typed)} {what} (zet een spatie na '{marker.group()}': {quoted(fixed)})"


_TYPED_DASHES = ("–", "—")  # en and em dash: a list pasted from Word, or an aside


def _dash_list(above: str, typed: str, below: str = "") -> bool:
    """Whether a dash at a line's start makes a list item: after a line ending in ':', or
    next to another such item; not a dash that opens an aside closed on the same line ('– na
    overleg met de gemeenten – laten weten')."""
    return not opens_a_dash_aside(typed) and (
        above.endswith(":") or _dashed(above) or (_dashed(below) and not opens_a_dash_aside(below))
    )


def _dashed(line: str) -> bool:
    """Whether ``line`` starts with a typed dash and a space, as Word's dash list pastes."""
    return line[:1] in _TYPED_DASHES and line[1:2] == " "


def _in_a_list(above: str, below: str) -> bool:
    """Whether a line between ``above`` and ``below`` stands among list items: below a line
    ending in ':', or next to another pasted item."""
    return above.endswith(":") or any(
        _PASTED_BULLET.match(line) or _labels(line) for line in (above, below)
    )


def _letter_list(lines: list[str], here: int) -> bool:
    """Whether line ``here`` of a paragraph, one that starts as 'b. …', is an item of a list by
    letters or Roman numbers: it has Word's tab after its mark, or it is in a run of items that
    counts on ('a.', 'b.'; 'ii.', 'iii.') at the paragraph's start or below a line ending in ':';
    a run of one only for 'a.' ('i.' needs 'ii.' below, and so does a run that starts at a later
    item: 'c.', 'd.', a list taken up again below a paragraph between)."""
    item = _LETTER_ITEM.match(lines[here])
    if item is None:
        return False
    if "\t" in item.group(2) and _counts(item.group(1)):
        return True
    below = lines[here + 1] if here + 1 < len(lines) else ""
    for kind, number in _labels(lines[here]):
        start = here  # the first line of the run of items that counts on to this one
        while start > 0 and (kind, number - (here - start) - 1) in _labels(lines[start - 1]):
            start -= 1
        # "Het gaat om\ni. de kosten en\nii. de baten.": running text that wraps there.
        if start > 0 and not lines[start - 1].endswith(":"):
            continue
        first = number - (here - start)
        if (kind == "a" and first == 1) or here > start or (kind, number + 1) in _labels(below):
            return True
    return False


def _numbered_heading(paragraph: list[str], beside: tuple[str, str]) -> bool:
    """Whether a paragraph is one short line numbered as Word numbers headings ('A.\tInleiding'):
    a capital letter, a few words from a capital, no punctuation but at most a final ')'.

    Not where it stands among items of a list by letter, one to a paragraph ('Het overleg
    besluit:' / 'A.<tab>In te stemmen' / 'B.<tab>…'): below a line ending in ':', or next to
    another item by capital letter.
    """
    if len(paragraph) != 1:
        return False
    item = _LETTER_ITEM.match(paragraph[0])
    if item is None or not item.group(1).isupper():
        return False
    text = paragraph[0][item.end(2) :]
    words = text.split()
    return (
        0 < len(words) <= 6
        and words[0][:1].isupper()
        and not any(mark in text for mark in ".:;,!?()")
        and not beside[0].endswith(":")
        and not any(_capital_item(line) for line in beside)
    )


def _capital_item(line: str) -> bool:
    """Whether ``line`` starts as an item numbered by a capital letter ('B.<tab>…')."""
    item = _LETTER_ITEM.match(line)
    return item is not None and item.group(1).isupper()


def _labels(line: str) -> list[tuple[str, int]]:
    """The places a line that starts as a list item by letter or Roman number could stand for
    (see _counts); a capital only with three or more spaces after it, as a name's initial
    has one or two ('A.  Jansen')."""
    item = _LETTER_ITEM.match(line)
    if item is None:
        return []
    wide = "\t" in item.group(2) or len(item.group(2)) >= 3
    return [(kind, number) for kind, number in _counts(item.group(1)) if kind != "A" or wide]


def _counts(label: str) -> list[tuple[str, int]]:
    """The places a list's label stands for, by kind: [('a', 2)] for 'b', [('A', 2)] for 'B',
    [('a', 9), ('i', 1)] for 'i' (a letter and a Roman number)."""
    found = [("A" if label.isupper() else "a", ord(label.lower()) - 96)] if len(label) == 1 else []
    if label in _ROMAN:
        found.append(("i", _ROMAN[label]))
    return found


def _unclosed(line: int, typed: str, paragraph: str) -> Iterator[_Mistake]:
    """'**' or '__' the parser left as text: bold (or italic) that was not closed or opened."""
    for run in _STRONG.finditer(typed):
        marks = run.group()
        if "\\" + marks[0] in paragraph:
            continue  # escaped markers ("\*") come out as text on purpose
        before, after = typed[: run.start()], typed[run.end() :]
        names = _MARKER_NAMES[marks[0]]
        short = names.split()[-1]
        if _opens(before[-1:], after[:1]):
            yield (
                line,
                f"{quoted(marks + after)} heeft geen afsluitende {marks} en komt met de {names} "
                f"in het document (sluit af met {marks} direct achter het laatste woord, of haal "
                f"de {short} weg)",
            )
        elif _opens(after[:1], before[-1:]):
            yield (
                line,
                f"{quoted(before + marks, tail=True)} heeft geen openende {marks} en komt met de "
                f"{names} in het document (zet {marks} direct voor het eerste woord, of haal de "
                f"{short} weg)",
            )


def _opens(outside: str, inside: str) -> bool:
    """Whether markers between ``outside`` and ``inside`` (a character or "") start a span.

    Near CommonMark's flanking rule, and stricter: a letter or digit on the inside, and a space,
    punctuation or the edge on the outside; '15**000', ' ** ' or '`x`__.' is neither.
    """
    return inside.isalnum() and (not outside or not outside.isalnum())


def _numbering(tokens: list[Token], index: int, lines: list[str]) -> Iterator[_Mistake]:
    """A numbered list that does not count on as typed, or that mixes '1.' with '1)'."""
    opening = tokens[index]
    items = _items(tokens, index)
    first = int(items[0].info)
    before = tokens[index - 1] if index else opening
    if before.type == "ordered_list_close" and before.level == opening.level and first != 1:
        # A list right below one with the other mark: a new list, that keeps its own numbers.
        above = _items(tokens, _opening_of(tokens, index - 1))
        typed = _item_text(items[0], lines)
        number = int(above[0].info) + len(above)
        fixed = f"{number}{before.markup} {typed[len(items[0].info) + 1 :]}"
        yield (
            _line(items[0]),
            f"{quoted(typed)} hoort niet bij de lijst erboven, want daar staat "
            f"'{before.markup}' achter de nummers en hier '{opening.markup}' (schrijf de punten "
            f"op dezelfde manier: {quoted(fixed)})",
        )
    numbers = [int(item.info) for item in items]
    if all(number == first for number in numbers):
        return  # '1.' before every item is a common way to let the list count by itself
    for position, item in enumerate(items):
        if numbers[position] != first + position:
            yield (
                _line(item),
                f"{quoted(_item_text(item, lines))} wordt in het document punt "
                f"{first + position}, want een genummerde lijst telt gewoon door (nummer de "
                "punten doorlopend; een nieuwe lijst begint pas na een regel gewone tekst)",
            )
            return


def _dash_aside(tokens: list[Token], index: int, lines: list[str]) -> Iterator[_Mistake]:
    """'- vooral in Hilversum - naar werk' on the line below a sentence: a hyphen typed as a
    dash, which CommonMark makes a one-item list that breaks the sentence."""
    opening = tokens[index]
    before = tokens[index - 1] if index else None
    items = _items(tokens, index)
    if (
        opening.markup != "-"
        or before is None
        or before.type != "paragraph_close"
        or len(items) != 1
        or opening.map is None
    ):
        return
    typed = lines[opening.map[0]].strip()
    above = lines[opening.map[0] - 1].strip() if opening.map[0] else ""
    if opens_a_dash_aside(typed) and above and not above.endswith(":"):
        yield (
            opening.map[0],
            f"{quoted(typed)} wordt een punt van een lijst, los van de zin erboven (typ voor een "
            "gedachtestreepje '–', of zet de regel achter de vorige)",
        )


def _indented(block: Token, lines: list[str], *, in_list: bool) -> _Mistake:
    """What to say of indented code: a paragraph indented by a tab or four spaces, or in a list
    item four more than the item's text, which the documents print as code."""
    assert block.map is not None  # every block token has its lines
    first, end = block.map
    typed = [line for line in lines[first:end] if line.strip()]
    said = quoted(typed[0].strip())
    if len(typed) > 1:
        said += " en de regels eronder springen"
        comes = "komen"
    else:
        said += " springt"
        comes = "komt"
    if in_list:
        how = "verder in dan de tekst van het punt erboven"
        fix = "laat de regel even ver inspringen als de tekst van het punt"
    else:
        tabbed = "\t" in typed[0][: len(typed[0]) - len(typed[0].lstrip())]
        how = "in met een tab" if tabbed else "in met vier spaties of meer"
        fix = "haal de inspringing weg"
    return (
        first,
        f"{said} {how} en {comes} daardoor als broncode in het document: in een vast "
        f"lettertype, zonder vet, cursief en links ({fix})",
    )


def _rule_message(typed: str) -> str:
    """What to say of a line of dashes (or stars, underscores) that the documents leave out."""
    return (
        f"een lijn ({quoted(typed)}) wordt niet gemaakt: de regel komt niet in het document "
        "(haal hem weg; een nieuw onderdeel begint met een kopje: '### Kopje')"
    )


def _heading(opening: Token, inline: Token, lines: list[str]) -> Iterator[_Mistake]:
    """A heading that is not made ('###' alone), or that a line of '---' or '===' below a
    paragraph made of it, which was perhaps meant as a line."""
    from assembler.markdown import empty_heading

    if empty_heading(inline.content):
        line = lines[_line(opening)]
        typed = line[max(0, line.find(opening.markup)) :]  # not a list's '- ' before it
        typed = typed.replace("\u00ad", "").strip()  # a soft hyphen alone is shown as nothing
        yield (
            _line(opening),
            f"{quoted(typed)} is een leeg kopje en komt niet in het document (zet de tekst van "
            f"het kopje erachter: '{opening.markup} Kopje', of haal de regel weg)",
        )
        return
    if opening.markup not in ("-", "=") or opening.map is None:
        return  # a heading typed with '#'
    underline = opening.map[1] - 1
    rule = quoted(lines[underline].strip())
    text = inline.content
    if "\n" in text:
        yield (
            underline,
            f"{rule} onder {quoted(text)} maakt van de hele alinea erboven een kopje, geen lijn "
            f"(haal {rule} weg: een lijn wordt niet gemaakt)",
        )
        return
    yield (
        underline,
        f"{rule} onder {quoted(text)} maakt van die regel een kopje, geen lijn (schrijf "
        f"{quoted('### ' + text)} voor een kopje; een lijn wordt niet gemaakt: haal {rule} dan "
        "weg)",
    )


def _items(tokens: list[Token], index: int) -> list[Token]:
    """The items of the list that opens at ``index``."""
    level = tokens[index].level
    items: list[Token] = []
    for token in tokens[index + 1 :]:
        if token.level == level:  # its closing
            return items
        if token.type == "list_item_open" and token.level == level + 1:
            items.append(token)
    return items


def _opening_of(tokens: list[Token], index: int) -> int:
    """Where the block that closes at ``index`` opens."""
    level = tokens[index].level
    return next(i for i in range(index - 1, -1, -1) if tokens[i].level == level)


def _item_text(item: Token, lines: list[str]) -> str:
    """A numbered item's line from its number on: '4. Evaluatie'."""
    line = lines[_line(item)]
    return line[max(0, line.find(item.info + item.markup)) :].strip()


def quoted(text: str, *, tail: bool = False, count: int = _QUOTED_WORDS) -> str:
    """``text`` between quotes, cut to its first (or last) ``count`` words."""
    words = text.split()
    if len(words) <= count:
        shown = " ".join(words)
        cut = len(shown) > _QUOTED_CHARACTERS
    else:
        shown = " ".join(words[-count:] if tail else words[:count])
        cut = True
    # A 'word' of thousands of characters ('*****…') is cut as well.
    if len(shown) > _QUOTED_CHARACTERS:
        shown = shown[-_QUOTED_CHARACTERS:] if tail else shown[:_QUOTED_CHARACTERS]
    if not cut:
        return f"'{shown}'"
    return f"'…{shown}'" if tail else f"'{shown}…'"
