"""Block-editor content comes in as WordPress shows it: no wpautop, dynamic blocks kept."""

import io

import pytest

from blog.models import Page, Post
from blog.wordpress import blocks
from blog.wordpress import services as wordpress_services
from tests.blog.wordpress import wxr_samples as samples

pytestmark = pytest.mark.django_db

BLOCK_POST = """<!-- wp:paragraph -->
<p>First line
still the first paragraph</p>
<!-- /wp:paragraph -->

<!-- wp:heading {"level":3} -->
<h3 class="wp-block-heading">A heading</h3>
<!-- /wp:heading -->

<!-- wp:list -->
<ul><!-- wp:list-item -->
<li>One</li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>Two</li>
<!-- /wp:list-item --></ul>
<!-- /wp:list -->

<!-- wp:paragraph -->
<p>Last paragraph.</p>
<!-- /wp:paragraph -->"""


def run_import(*items):
    return wordpress_services.wordpress_import(source=io.BytesIO(samples.export(*items)))


def imported_body(body, **fields):
    run_import(samples.item(1, "Blocks", slug="blocks", body=body, **fields))
    return Post.objects.get(slug="blocks").body


def test_has_blocks_follows_wordpress():
    assert blocks.has_blocks("<!-- wp:paragraph --><p>x</p><!-- /wp:paragraph -->")
    assert not blocks.has_blocks("<!-- more -->\n\nClassic text")


def test_block_post_keeps_its_paragraphs_without_empty_ones_or_breaks():
    body = imported_body(BLOCK_POST)
    assert "<p></p>" not in body and "<br>" not in body and "<p><br" not in body
    assert "<p>First line\nstill the first paragraph</p>" in body
    assert body.count("<p>") == 2
    assert (
        '<h3 class="wp-block-heading">A heading</h3>\n\n<ul><li>One</li>\n\n<li>Two</li>\n</ul>'
        in body
    )
    assert "<!--" not in body


def test_classic_post_still_gets_automatic_paragraphs():
    body = imported_body("One line\nnext line\n\nSecond paragraph")
    assert body == "<p>One line<br>\nnext line</p>\n<p>Second paragraph</p>"


def test_shortcode_block_gets_paragraphs_as_on_wordpress():
    body = imported_body("<!-- wp:shortcode -->\nFirst\n\nSecond\n<!-- /wp:shortcode -->")
    assert body == "<p>First</p>\n<p>Second</p>"


def test_dynamic_block_is_kept_as_a_placeholder():
    body = imported_body('<!-- wp:archives {"showPostCounts":true} /-->')
    assert body == (
        '<div data-dynamic-block="core/archives" '
        'data-block-attrs="{&quot;showPostCounts&quot;:true}"></div>'
    )


def test_report_lists_the_dynamic_blocks_not_rendered_per_post_and_page():
    body = (
        '<!-- wp:calendar /--><!-- wp:latest-posts /--><!-- wp:query {"queryId":1} -->'
        "<div><!-- wp:post-template --><!-- wp:post-title /--><!-- /wp:post-template --></div>"
        "<!-- /wp:query --><!-- wp:calendar /-->"
    )
    report = run_import(
        samples.item(1, "Sidebar post", body=body),
        samples.page(2, "Sitemap", "sitemap", body="<!-- wp:rss /-->"),
        samples.item(3, "Plain", body="<!-- wp:paragraph --><p>x</p><!-- /wp:paragraph -->"),
    )
    assert (
        "Post “Sidebar post” (ID 1): dynamic blocks not rendered: core/calendar, core/query, "
        "core/post-title" in report.problems
    )
    assert "Page “Sitemap” (ID 2): dynamic blocks not rendered: core/rss" in report.problems
    assert not [line for line in report.problems if "Plain" in line]
    assert (
        Page.objects.get().body == '<div data-dynamic-block="core/rss" data-block-attrs="{}"></div>'
    )


FOOTNOTES = '[{"id":"f1","content":"Reuters, <em>3 May</em>"}]'
CITING = (
    '<!-- wp:paragraph --><p>Claim<sup data-fn="f1" class="fn"><a href="#f1" id="f1-link">1</a>'
    "</sup> and more.</p><!-- /wp:paragraph -->"
)
NOTES_LIST = (
    '<ol class="wp-block-footnotes"><li id="f1">Reuters, <em>3 May</em> '
    '<a href="#f1-link" rel="noopener">↩︎</a></li></ol>'
)


def test_footnotes_are_listed_where_their_block_is():
    body = imported_body(
        CITING
        + "<!-- wp:footnotes /-->"
        + "<!-- wp:paragraph --><p>After</p><!-- /wp:paragraph -->",
        meta=[("footnotes", FOOTNOTES)],
    )
    assert '<a href="#f1" id="f1-link" rel="noopener">1</a>' in body
    assert body.index(NOTES_LIST) < body.index("<p>After</p>")


def test_footnotes_without_their_block_are_listed_at_the_end():
    body = imported_body(CITING, meta=[("footnotes", FOOTNOTES)])
    assert body.endswith(NOTES_LIST)


def test_broken_footnotes_meta_leaves_the_text_alone():
    body = imported_body(CITING + "<!-- wp:footnotes /-->", meta=[("footnotes", "[{oops")])
    assert body.endswith("and more.</p>")


@pytest.mark.parametrize(
    "meta", ["[" * 100_000, '{"id": "f1"}', "[1, null]", '[{"id": {"x": 1}, "content": 5}]']
)
def test_footnotes_meta_of_any_shape_does_not_stop_the_import(meta):
    body = imported_body(CITING, meta=[("footnotes", meta)])
    assert "and more.</p>" in body


def test_block_settings_nested_thousands_deep_are_ignored():
    deep = '{"a":' * 50_000 + "1" + "}" * 50_000
    body = imported_body(f"<!-- wp:archives {deep} /-->")
    assert body == '<div data-dynamic-block="core/archives" data-block-attrs="{}"></div>'
