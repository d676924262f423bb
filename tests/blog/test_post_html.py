import pytest

from blog.models import AuthorProfile
from tests.factories import make_category, make_post, make_user

pytestmark = pytest.mark.django_db

NASTY = "سلام <b>\"q\" & 'a'</b> 🎉"


@pytest.fixture
def page(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    author = make_user("writer")
    AuthorProfile.objects.filter(user=author).update(
        display_name=NASTY, bio=NASTY, twitter='@a"<b>', website="https://example.org/?a=1&b=<2>"
    )
    before = make_post(NASTY + " before", author=author, days_ago=3)
    post = make_post(NASTY, author=author, categories=[make_category(NASTY)], tags=[NASTY])
    after = make_post(NASTY + " after", author=author, days_ago=0)
    assert before and after
    return client.get(post.get_absolute_url()).content.decode()


def test_post_frame_escapes_what_authors_and_editors_write(page):
    text = "سلام &lt;b&gt;&quot;q&quot; &amp; &#x27;a&#x27;&lt;/b&gt; 🎉"
    assert f'<meta property="article:section" content="{text}">' in page
    assert f'<meta property="article:tag" content="{text}">' in page
    assert '<meta name="twitter:creator" content="@a&quot;&lt;b&gt;">' in page
    assert f'<p class="author-bio">{text}</p>' in page
    assert 'href="https://example.org/?a=1&amp;b=&lt;2&gt;" rel="me noopener">Website' in page
    assert f'rel="author" href="/author/writer/">{text}</a>' in page
    assert 'rel="category" href="/category/' in page and f">{text}</a></p>" in page


def test_post_nav_links_both_neighbours_with_their_titles_as_markup(page):
    assert '<span>← Previous</span> سلام <b>"q" &amp; ' in page
    assert '<span>Next →</span> سلام <b>"q" &amp; ' in page
