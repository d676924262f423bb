from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post
from tests.factories import main_content, make_category, make_page, make_post

pytestmark = pytest.mark.django_db


def found(client, query):
    """The titles the search page lists for query, in the order shown."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return [post.title for post in response.context["posts"]]


def test_search_finds_posts_by_words_in_title_or_body(client):
    make_post("Sanctions relief timeline", body="<p>Dates and numbers.</p>")
    make_post("Weekly notes", body="<p>The sanctions were eased on Monday.</p>")
    make_post("Football", body="<p>Nothing relevant.</p>")
    assert set(found(client, "sanctions")) == {"Sanctions relief timeline", "Weekly notes"}


def test_search_matches_word_forms(client):
    make_post("Negotiators meet", body="<p>They negotiated for hours.</p>")
    assert found(client, "negotiating") == ["Negotiators meet"]


def test_search_quoted_phrase_needs_the_words_together(client):
    make_post("Together", body="<p>The nuclear deal was signed.</p>")
    make_post("Apart", body="<p>A deal on trade, and a nuclear test.</p>")
    assert found(client, '"nuclear deal"') == ["Together"]


def test_search_minus_word_leaves_posts_with_it_out(client):
    make_post("Oil and sanctions", body="<p>Oil exports fell.</p>")
    make_post("Oil and gas", body="<p>Gas fields expanded.</p>")
    assert found(client, "oil -sanctions") == ["Oil and gas"]


def test_search_or_finds_either_word(client):
    make_post("About Iraq", body="<p>Baghdad.</p>")
    make_post("About Syria", body="<p>Damascus.</p>")
    make_post("About Qatar", body="<p>Doha.</p>")
    assert set(found(client, "baghdad or damascus")) == {"About Iraq", "About Syria"}


def test_search_ranks_title_matches_above_body_matches(client):
    make_post("Weekly notes", body="<p>Hezbollah was mentioned in passing.</p>", days_ago=1)
    make_post("Hezbollah's Syrian gamble", body="<p>A long analysis.</p>", days_ago=30)
    assert found(client, "hezbollah") == ["Hezbollah's Syrian gamble", "Weekly notes"]


def test_search_finds_only_published_posts(client):
    make_post("Published centrifuge story")
    make_post("Draft centrifuge story", status=Post.Status.DRAFT)
    make_post("Private centrifuge story", status=Post.Status.PRIVATE)
    make_post("Future centrifuge story", published_at=timezone.now() + timedelta(days=1))
    assert found(client, "centrifuge") == ["Published centrifuge story"]


def test_search_snippet_highlights_the_words_found(client):
    make_post("Talks", body="<p>The delegation arrived in Vienna on Monday.</p>")
    page = main_content(client.get("/search/", {"q": "vienna"}))
    assert "<mark>Vienna</mark>" in page


def test_search_snippet_escapes_html_written_as_text(client):
    make_post("Markup", body="<p>Vienna: use the &lt;b&gt; tag to make words bold.</p>")
    page = main_content(client.get("/search/", {"q": "vienna"}))
    assert "&lt;b&gt;" in page
    assert "<b>" not in page


def test_search_with_empty_query_shows_no_results(client):
    make_post("Anything")
    response = client.get("/search/", {"q": "   "})
    assert list(response.context["posts"]) == []
    assert "result" not in main_content(response)


def test_search_without_matches_says_so(client):
    make_post("Anything")
    page = main_content(client.get("/search/", {"q": "zeppelin"}))
    assert "Nothing matched “zeppelin”" in page


@pytest.mark.parametrize("query", ['"unclosed', "-", "or or", "a & b | !c", "(((", "'"])
def test_search_with_stray_syntax_is_not_an_error(client, query):
    make_post("Anything")
    assert client.get("/search/", {"q": query}).status_code == 200


def test_search_query_is_escaped_on_the_page(client):
    page = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


@pytest.mark.usefixtures("uncached")
def test_search_page_runs_a_fixed_number_of_queries(client):
    make_post("Vienna one", tags=["a"], categories=[make_category()])
    client.get("/search/?q=vienna")
    with CaptureQueriesContext(connection) as few:
        client.get("/search/?q=vienna")
    for i in range(15):
        make_post(f"Vienna {i}", tags=[f"t{i}"], categories=[make_category(), make_category()])
    with CaptureQueriesContext(connection) as many:
        response = client.get("/search/?q=vienna")
    assert len(response.context["posts"]) == 10
    assert len(many) == len(few)


def test_search_snippet_of_text_with_control_characters_has_no_stray_marks(client):
    make_post("Odd", body="<p>Vienna \x02talks\x03 resumed.</p>")
    page = main_content(client.get("/search/", {"q": "vienna"}))
    assert page.count("<mark>") == page.count("</mark>") == 1


def test_search_lists_matching_published_pages_above_the_posts(client):
    make_page("Contact the newsroom", body="<p>Send us your <strong>tips</strong>.</p>")
    make_page("About", body="<p>We cover Iran and its neighbours; send tips by mail.</p>")
    make_page("Unlisted tips", status="draft", body="<p>tips for staff</p>")
    make_post("Tips for reading sanctions news")

    response = client.get("/search/", {"q": "tips"})
    body = main_content(response)

    assert {page.title for page in response.context["pages"]} == {"Contact the newsroom", "About"}
    assert "Unlisted tips" not in body
    assert "1 post and 2 pages found" in body
    assert body.index("Contact the newsroom") < body.index("Tips for reading sanctions news")


def test_search_finding_only_a_page_does_not_say_nothing_matched(client):
    make_page("Corrections policy", body="<p>How we correct errors.</p>")
    body = main_content(client.get("/search/", {"q": "corrections"}))
    assert 'href="/corrections-policy/"' in body
    assert "0 posts and 1 page found" in body
    assert "Nothing matched" not in body


@pytest.mark.parametrize("query", ["- " * 100, "-" * 200, "(-" * 100, "-\u2028-" * 80])
def test_search_with_runs_of_dashes_answers(client, query):
    """Pasted rules and dashes once overflowed Postgres's tsquery stack (a 500)."""
    make_post("Dashes and rules")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "Nothing matched" in response.content.decode()
