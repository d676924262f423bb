"""Two revisions side by side: what the compare page shows, field by field.

Each field is a list of rows (old, new) of HTML, changed words in <del> on the old side and
<ins> on the new one; the body is compared block by block (paragraphs, headings, list items,
figures, quotes), as WordPress's compare screen does line by line.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from blog.revisions.models import Revision
from blog.sanitize import html_text, title_text

# Where a post body breaks into the lines a comparison shows side by side.
_BLOCK_END = re.compile(r"(?<=</p>)|(?<=</h[2-6]>)|(?<=</li>)|(?<=</figure>)|(?<=</blockquote>)")
_WORDS = re.compile(r"\s+|\S+")


@dataclass
class Row:
    """One line of a field on each side, as HTML; changed when the two differ."""

    old: SafeString | None  # None: the line is not on that side
    new: SafeString | None
    changed: bool


@dataclass
class Field:
    """A field of the post (title, body, tags, ...) and its rows."""

    label: str
    rows: list[Row]

    @property
    def changed(self) -> bool:
        return any(row.changed for row in self.rows)


def body_blocks(body: str) -> list[str]:
    """The body's blocks as text, empty ones left out (a figure shows as its caption)."""
    return [text for block in _BLOCK_END.split(body) if (text := html_text(block))]


def _marked(words: list[str], spans, tag: str) -> SafeString:
    marked = []
    for start, end, changed in spans:
        part = conditional_escape("".join(words[start:end]))
        marked.append(f"<{tag}>{part}</{tag}>" if changed and part else part)
    return mark_safe("".join(marked))  # each part escaped above


def _word_row(old: str, new: str) -> Row:
    """One changed line: the words that differ marked on each side."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    old_spans, new_spans = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_spans.append((i1, i2, op != "equal"))
        new_spans.append((j1, j2, op != "equal"))
    return Row(_marked(a, old_spans, "del"), _marked(b, new_spans, "ins"), True)


def lines_diff(old: list[str], new: list[str]) -> list[Row]:
    """Rows for two lists of lines: equal ones side by side, changed ones paired up and
    marked word by word, added or removed ones alone on their side."""
    rows = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [Row(conditional_escape(line), conditional_escape(line), False)
                     for line in old[i1:i2]]  # fmt: skip
            continue
        olds, news = old[i1:i2], new[j1:j2]
        for k in range(max(len(olds), len(news))):
            a = olds[k] if k < len(olds) else None
            b = news[k] if k < len(news) else None
            if a is not None and b is not None:
                rows.append(_word_row(a, b))
            elif b is None:
                rows.append(Row(format_html("<del>{}</del>", a), None, True))
            else:
                rows.append(Row(None, format_html("<ins>{}</ins>", b), True))
    return rows or [Row(None, None, False)]


def _filing_lines(revision: Revision) -> dict[str, list[str]]:
    image = revision.featured_image
    if not (revision.filing_kept or revision.is_autosave):
        return dict.fromkeys((_("Categories"), _("Tags"), _("Featured image")), [_("(not kept)")])
    return {
        _("Categories"): [c["name"] for c in revision.categories],
        _("Tags"): list(revision.tags),
        _("Featured image"): [image["title"] or f"#{image['id']}"] if image else [],
    }


def revisions_diff(older: Revision, newer: Revision) -> list[Field]:
    """The compare page's fields: title, excerpt, body, then categories, tags and featured
    image (an autosave shows the post's at its time; "(not kept)" for a revision made before
    they were kept)."""
    fields = [
        Field(_("Title"), lines_diff([title_text(older.title)], [title_text(newer.title)])),
        Field(
            _("Excerpt"),
            lines_diff(
                [older.excerpt] if older.excerpt else [], [newer.excerpt] if newer.excerpt else []
            ),
        ),  # fmt: skip
        Field(_("Body"), lines_diff(body_blocks(older.body), body_blocks(newer.body))),
    ]
    if older.filing_kept or newer.filing_kept or older.is_autosave or newer.is_autosave:
        old, new = _filing_lines(older), _filing_lines(newer)
        fields += [Field(label, lines_diff(old[label], new[label])) for label in old]
    return fields
