import re

import pytest
from defusedxml import ElementTree
from django.core import mail

from comments.models import Comment, DiscussionSettings
from tests.comments.factories import form_data, make_comment
from tests.factories import make_post

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_site_comments_feed_lists_approved_comments_as_rss(client):
    post = make_post("Big story")
    make_comment(post, "Shown <b>here</b>", user_name="Ada")
    make_comment(post, "Held back", status=Comment.Status.PENDING)
    response = client.get("/comments/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    items = ElementTree.fromstring(response.content).findall("channel/item")
    assert [item.findtext("title") for item in items] == ["Comment on Big story by Ada"]
    assert "Shown &lt;b&gt;here&lt;/b&gt;" in items[0].findtext("description")


def test_post_comments_feed_has_only_that_posts_comments_in_atom(client):
    post, other = make_post("Mine"), make_post("Other")
    mine = make_comment(post, "On mine")
    make_comment(other, "On the other")
    response = client.get(post.get_absolute_url() + "feed/atom/")
    root = ElementTree.fromstring(response.content)
    assert root.findtext(f"{ATOM}title") == "Comments on: Mine"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}link").get("href").endswith(mine.get_absolute_url())


def test_post_comments_feed_of_a_draft_is_404(client):
    draft = make_post(status="draft")
    assert client.get(draft.get_absolute_url() + "feed/").status_code == 404


def test_comment_feeds_run_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    post = make_post()
    make_comment(post)
    client.get("/comments/feed/")
    for i in range(20):
        make_comment(make_post(f"Post {i}"))
    with django_assert_max_num_queries(6):
        assert client.get("/comments/feed/").status_code == 200


@pytest.mark.parametrize("feed", ["/comments/feed/", "/comments/feed/atom/", "feed/", "feed/atom/"])
def test_comment_feeds_carry_a_comment_with_a_vertical_tab(client, feed):
    post = make_post("Big story")
    make_comment(post, "Pasted from a PDF\x0bsecond line", user_name="Ada\x1d")
    url = feed if feed.startswith("/") else post.get_absolute_url() + feed
    response = client.get(url)
    assert response.status_code == 200
    ElementTree.fromstring(response.content)
    assert b"Pasted from a PDF second line" in response.content
    assert b"by Ada<" in response.content or b"<name>Ada</name>" in response.content


def test_guest_comment_with_a_vertical_tab_confirmed_by_mail_keeps_the_feeds_working(
    client, django_capture_on_commit_callbacks, run_jobs
):
    """The issue's case: a returning commenter (published at once) pastes text from a PDF."""
    assert DiscussionSettings.load().approval == DiscussionSettings.Approval.FIRST_TIME
    post = make_post("Big story")
    make_comment(post, "An earlier word.", user_email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/comments/post/", form_data(post, comment="From a PDF\x0bline two"))
    assert sent.status_code == 302
    run_jobs()
    client.post(re.search(r"/comments/confirm/[^/\s\"]+/", mail.outbox[0].body).group(0))
    assert Comment.objects.get(comment__startswith="From a PDF").status == Comment.Status.APPROVED
    for url in ("/comments/feed/", "/comments/feed/atom/", post.get_absolute_url() + "feed/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "From a PDF line two" in ElementTree.tostring(
            ElementTree.fromstring(response.content), encoding="unicode"
        )
