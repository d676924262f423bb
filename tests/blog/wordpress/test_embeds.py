"""Auto-embeds and [embed] in imported posts: link cards whose title a worker fetches."""

import pytest

from blog.models import Post
from blog.wordpress import embeds
from blog.wordpress import services as wordpress_services
from tests.blog.wordpress import wxr_samples as samples
from tests.blog.wordpress.media_samples import run_import
from tests.factories import make_user
from tests.httpserver import LocalServer, Route

pytestmark = pytest.mark.django_db
committed = pytest.mark.django_db(transaction=True)  # the worker's connection sees the import

PAGE = """<!doctype html><html><head><title>Harbour report | Port News</title>
<meta property="og:site_name" content="Port News"></head><body>Text</body></html>"""


@pytest.fixture
def server(settings):
    settings.ALLOW_LOOPBACK_FETCH = True
    with LocalServer() as server:
        yield server


def imported_body(text, **kwargs):
    run_import(samples.item(1, "Post 1", slug="p1", body=text), **kwargs)
    return Post.objects.get(slug="p1").body


def test_address_alone_on_its_line_becomes_a_link_card():
    body = imported_body("Watch this:\n\nhttps://www.youtube.com/watch?v=abc&t=5\n\nThe end.")
    assert body == (
        "<p>Watch this:</p>\n"
        '<figure class="link-card"><a href="https://www.youtube.com/watch?v=abc&amp;t=5" '
        'rel="noopener">https://www.youtube.com/watch?v=abc&amp;t=5</a>'
        "<figcaption>youtube.com</figcaption></figure>\n"
        "<p>The end.</p>"
    )


def test_address_inside_a_sentence_stays_a_sentence():
    body = imported_body("Read https://example.org/a for more.")
    assert body == "<p>Read https://example.org/a for more.</p>"


def test_embed_shortcode_becomes_a_link_card():
    body = imported_body('[embed width="500"]https://vimeo.com/12345[/embed]')
    assert body.strip() == (
        '<figure class="link-card"><a href="https://vimeo.com/12345" rel="noopener">'
        "https://vimeo.com/12345</a><figcaption>vimeo.com</figcaption></figure>"
    )


@committed
def test_worker_fetches_the_title_into_the_card_after_the_import(server, run_jobs):
    server.routes["/report"] = Route(PAGE)
    url = server.url("/report")
    imported_body(f"Intro.\n\n{url}\n\nMore.")
    run_jobs()
    run_jobs()  # the fetch queues the card's update
    body = Post.objects.get(slug="p1").body
    assert (f'<a href="{url}" rel="noopener">Harbour report | Port News</a>'
            "<figcaption>Port News</figcaption>") in body  # fmt: skip
    assert "Harbour report" in Post.objects.get(slug="p1").body_text
    assert [request[1] for request in server.requests] == ["/report"]


@committed
def test_card_of_a_page_that_cannot_be_read_keeps_its_address(server, run_jobs):
    url = server.url("/gone")
    before = imported_body(url)
    run_jobs()
    run_jobs()
    assert Post.objects.get(slug="p1").body == before


def test_dry_run_fetches_nothing(server, run_jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run_import(samples.item(1, "P", slug="p1", body=server.url("/x")), dry_run=True)
    assert callbacks == [] and server.requests == []


def test_fetched_title_is_text_not_markup():
    post = Post.objects.create(
        title="P", slug="p", author=make_user("desk"), body=embeds.card("https://x.example/")
    )
    wordpress_services.link_cards_title(
        url="https://x.example/", title="<script>alert(1)</script> & co", site="X"
    )
    post.refresh_from_db()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in post.body


YOUTUBE_CARD = embeds.card("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=5", 'A "song"', "YouTube")


def test_youtube_card_stays_a_card_unless_the_site_opted_in(client):
    post = Post.objects.create(title="P", slug="p", author=make_user("desk"), body=YOUTUBE_CARD,
                               status=Post.Status.PUBLISHED)  # fmt: skip
    response = client.get(post.get_absolute_url())
    assert b"<iframe" not in response.content
    assert (
        b'<figure class="link-card"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=5"'
        in response.content
    )
    assert "frame-src" not in response["Content-Security-Policy"]


def test_opted_in_youtube_card_is_the_privacy_enhanced_player(settings):
    settings.EMBED_FRAMES = ["youtube"]
    html = embeds.frames(f"<p>Intro</p>{YOUTUBE_CARD}{embeds.card('https://vimeo.com/1')}")
    assert html == (
        '<p>Intro</p><figure class="embed-frame"><iframe '
        'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="A &quot;song&quot;" '
        'loading="lazy" allowfullscreen allow="encrypted-media; picture-in-picture; fullscreen" '
        'referrerpolicy="strict-origin-when-cross-origin"></iframe><figcaption>'
        '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=5">A &quot;song&quot;</a>'
        f"</figcaption></figure>{embeds.card('https://vimeo.com/1')}"
    )


def test_opted_in_player_shows_on_the_post_page(client, settings):
    settings.EMBED_FRAMES = ["youtube"]
    post = Post.objects.create(title="P", slug="p", author=make_user("desk"), body=YOUTUBE_CARD,
                               status=Post.Status.PUBLISHED)  # fmt: skip
    response = client.get(post.get_absolute_url())
    assert b'<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in response.content
