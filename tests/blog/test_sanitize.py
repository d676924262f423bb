"""blog.sanitize.html_text: the text of a post body, for excerpts and search."""

from blog.sanitize import html_text

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
