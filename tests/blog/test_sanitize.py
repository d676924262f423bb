"""What an editor's (or a WordPress export's) HTML keeps through the sanitiser, and the text
of a post body for excerpts and search (html_text)."""

import pytest

from blog.sanitize import html_text, sanitize_html


@pytest.mark.parametrize(
    "html",
    [
        "<h1>Title inside the text</h1>",
        "<dl><dt>Term</dt><dd>Meaning</dd></dl>",
        "<p><del>old</del> <ins>new</ins> press <kbd>Ctrl</kbd></p>",
        "<address>1 Main St</address>",
        '<details open=""><summary>More</summary><p>Hidden text</p></details>',
        "<table><caption>Votes by region</caption><tbody><tr><td>1</td></tr></tbody></table>",
        '<figure class="wp-block-image alignright size-large"><img src="/a.jpg" alt="" '
        'class="wp-image-5"><figcaption class="wp-element-caption">Cap</figcaption></figure>',
        '<figure class="wp-block-table alignwide"><table><tbody><tr><td>x</td></tr></tbody>'
        "</table></figure>",
        '<p class="has-text-align-center">Centred</p>',
        '<video src="https://cdn.example/a.mp4" poster="/media/a.jpg" controls="" loop="" '
        'muted="" preload="metadata" width="640" height="360" playsinline=""></video>',
        '<audio controls="" preload="none"><source src="/media/a.mp3" type="audio/mpeg">'
        '<track src="/media/a.vtt" kind="captions" srclang="en" label="English"></audio>',
        '<p>Claim<sup data-fn="f1" class="fn"><a href="#f1" id="f1-link" rel="noopener">1</a>'
        '</sup></p><ol class="wp-block-footnotes"><li id="f1">Source <a href="#f1-link" '
        'rel="noopener">↩︎</a></li></ol>',
    ],
)
def test_sanitiser_keeps_the_structure_wordpress_editors_write(html):
    assert sanitize_html(html) == html


def test_sanitiser_drops_classes_wordpress_does_not_emit():
    assert sanitize_html('<p class="x-evil alignleft">a</p>') == '<p class="alignleft">a</p>'
    assert sanitize_html('<span class="admin-bar">a</span>') == "<span>a</span>"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<video src="javascript:alert(1)" autoplay="" onplay="x()"></video>', "<video></video>"),
        ('<video poster="javascript:alert(1)" controls=""></video>', '<video controls=""></video>'),
        ('<audio src="data:audio/mp3;base64,AA" autoplay=""></audio>', "<audio></audio>"),
        ('<video><source src="file:///etc/passwd"></video>', "<video><source></video>"),
        ('<video poster="http://[::1"></video>', "<video></video>"),
        ("<details ontoggle=\"alert(1)\"><summary>x</summary></details>",
         "<details><summary>x</summary></details>"),
    ],
)  # fmt: skip
def test_sanitiser_lets_no_media_trick_through(html, expected):
    assert sanitize_html(html) == expected


BODY = (
    "<p>Floods along the rivers.</p><figure><img src='/m/a.jpg' alt='A bridge'>"
    "<figcaption>Photo: <em>Reuters</em></figcaption></figure><p>The talks resumed.</p>"
)


def test_html_text_keeps_paragraphs_apart():
    assert html_text("<p>Along the rivers.</p><p>The talks</p>") == "Along the rivers. The talks"


def test_html_text_keeps_list_items_headings_and_cells_apart():
    html = (
        "<h2>Key</h2><ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table>"
    )
    assert html_text(html) == "Key one two a b"


def test_html_text_keeps_words_together_across_inline_markup():
    assert html_text("<p>un<em>believ</em>able &amp; true</p>") == "unbelievable & true"


def test_html_text_without_captions_leaves_figure_captions_out():
    assert html_text(BODY, captions=False) == "Floods along the rivers. The talks resumed."


def test_html_text_with_captions_keeps_them_for_search():
    assert html_text(BODY) == "Floods along the rivers. Photo: Reuters The talks resumed."


def test_html_text_of_nothing_is_empty():
    assert html_text("") == html_text(None) == ""
