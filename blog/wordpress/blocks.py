"""Block-editor content in a WordPress export, made the HTML WordPress shows for it.

The block editor stores a post as finished HTML with its blocks marked by comments,
`<!-- wp:paragraph -->`...`<!-- /wp:paragraph -->`; a dynamic block, which WordPress's PHP draws
at view time from the site's data, is a self-closing comment with its settings as JSON,
`<!-- wp:latest-posts {"postsToShow":3} /-->`. Such content has its paragraphs already:
WordPress does not run wpautop on it (has_blocks() in wp-includes/blocks.php, and do_blocks(),
which takes wpautop off the_content for a post with blocks).
"""

import html
import json
import re

from blog import dynamic_blocks

# The block delimiter comment, as WordPress's parser reads it (WP_Block_Parser's tokenizer,
# wp-includes/class-wp-block-parser.php): the JSON never holds "}" + " -->", WordPress escapes
# "--", "<" and ">" in it.
_DELIMITER = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+"
    r"(?P<attrs>\{.*?\}\s+)?(?P<void>/)?-->\n?",
    re.S,
)
_SHORTCODE_BLOCK = re.compile(r"<!--\s+wp:shortcode\s+-->(.*?)<!--\s+/wp:shortcode\s+-->", re.S)
# Dynamic blocks that hold other blocks (so are not self-closing) but show only what PHP draws.
_DYNAMIC_CONTAINERS = {"core/query", "core/comments", "core/navigation", "core/template-part"}


def has_blocks(text: str) -> bool:
    """True for block-editor content, by WordPress's own test (has_blocks(): it holds
    "<!-- wp:")."""
    return "<!-- wp:" in (text or "")


def block_name(name: str) -> str:
    """ "latest-posts" -> "core/latest-posts": WordPress leaves out the core/ namespace."""
    return name if "/" in name else f"core/{name}"


def block_attrs(text: str | None) -> dict:
    """A delimiter's settings, {} when there are none or they are not a JSON object."""
    try:
        attrs = json.loads(text) if text else {}
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return {}
    return attrs if isinstance(attrs, dict) else {}


def block_html(text: str, *, autop, footnotes: str = "") -> str:
    """Block content as WordPress shows it: delimiters gone, self-closing (dynamic) blocks as
    placeholders (blog.dynamic_blocks draws those it can; not_rendered() names the others,
    which show nothing), the footnotes list where its block is (else at the end, when the text
    cites footnotes).

    autop is wpautop: WordPress runs it on a Shortcode block's text only
    (render_block_core_shortcode).
    """
    text = _SHORTCODE_BLOCK.sub(lambda m: autop(m.group(1)), text)
    notes = footnotes_html(footnotes)
    if notes and not re.search(r"<!--\s+wp:footnotes\s", text) and 'class="fn"' in text:
        text += "\n<!-- wp:footnotes /-->"
    return _DELIMITER.sub(lambda match: _replace(match, notes), text).strip()


def _replace(match, notes: str) -> str:
    name = block_name(match.group("name"))
    if name == "core/footnotes" and not match.group("closer"):
        return notes
    if match.group("void") and not match.group("closer"):
        # Kept even when this blog does not draw it (it shows nothing): an export gives it back.
        return dynamic_blocks.placeholder(name, block_attrs(match.group("attrs")))
    return ""


def not_rendered(text: str) -> list[str]:
    """The dynamic blocks in text this blog cannot draw, each once, in order of appearance."""
    names = []
    for match in _DELIMITER.finditer(text or ""):
        name = block_name(match.group("name"))
        dynamic = match.group("void") or name in _DYNAMIC_CONTAINERS
        if dynamic and not match.group("closer") and name not in dynamic_blocks.RENDERERS:
            names.append(name)
    return [name for name in dict.fromkeys(names) if name != "core/footnotes"]


def footnotes_html(value: str) -> str:
    """The footnotes list WordPress draws for the footnotes block (render_block_core_footnotes)
    from the post's "footnotes" meta: JSON, [{"id": ..., "content": ...}, ...]."""
    try:
        notes = json.loads(value) if value else []
    except (ValueError, RecursionError):
        return ""
    if not isinstance(notes, list):
        return ""
    items = [
        f'<li id="{html.escape(str(note["id"]))}">{note.get("content") or ""} '
        f'<a href="#{html.escape(str(note["id"]))}-link">↩︎</a></li>'
        for note in notes if isinstance(note, dict) and note.get("id")
    ]  # fmt: skip
    return f'<ol class="wp-block-footnotes">{"".join(items)}</ol>' if items else ""


def serialize(body: str) -> str:
    """A stored body as block content for an export: its HTML in Custom HTML blocks (WordPress
    shows them as they are, without wpautop, and so does an import here) and each dynamic
    block's placeholder as the block again, `<!-- wp:latest-posts {"postsToShow":3} /-->`."""
    parts, start = [], 0
    for match in dynamic_blocks.PLACEHOLDER.finditer(body or ""):
        parts += [_html_block(body[start : match.start()]), _void_block(match)]
        start = match.end()
    parts.append(_html_block((body or "")[start:]))
    return "\n\n".join(part for part in parts if part)


def _html_block(html: str) -> str:
    html = html.strip()
    return f"<!-- wp:html -->\n{html}\n<!-- /wp:html -->" if html else ""


def _void_block(match) -> str:
    name = match.group("name").removeprefix("core/")
    attrs = dynamic_blocks.placeholder_attrs(match.group("attrs"))
    # As WordPress's serializeAttributes(): nothing in the JSON may end the comment.
    text = dynamic_blocks.attrs_json(attrs)
    for char, escaped in (
        ("--", "\\u002d\\u002d"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
    ):
        text = text.replace(char, escaped)
    return f"<!-- wp:{name} {text} /-->" if attrs else f"<!-- wp:{name} /-->"
