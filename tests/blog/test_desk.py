"""The editors' desk: the admin's front page (blog.desk and the panels features add)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from blog.followers.models import Delivery, Follower
from blog.models import Post, SiteSettings
from blog.stats.models import DailyPostViews, DailySiteViews
from comments.models import Comment
from tests.comments.factories import make_comment
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

DESK = "/admin/"


@pytest.fixture
def editor(client):
    user = make_user("editor", group="Editor")
    client.force_login(user)
    return user


def test_desk_is_titled_with_the_blogs_name(client, editor):
    site = SiteSettings.load()
    site.title = "Iran News Watch"
    site.save()
    html = client.get(DESK).content.decode()
    assert "<h1>Iran News Watch</h1>" in html
    assert "Site administration" not in html


def test_desk_lists_drafts_pending_and_scheduled_posts(client, editor):
    make_post("A draft in the works", status=Post.Status.DRAFT)
    make_post("Waiting for review", status=Post.Status.PENDING)
    make_post("Out next week", status=Post.Status.SCHEDULED, days_ago=-7)
    make_post("Long published")
    html = client.get(DESK).content.decode()
    for title in ["A draft in the works", "Waiting for review", "Out next week"]:
        assert title in html
    assert "Long published" not in html


def test_author_sees_only_their_own_posts_in_progress(client):
    author = make_user("author", group="Author")
    client.force_login(author)
    make_post("Mine", author=author, status=Post.Status.DRAFT)
    make_post("Someone else's", status=Post.Status.DRAFT)
    html = client.get(DESK).content.decode()
    assert "Mine" in html and "Someone else&#x27;s" not in html
    assert "Comments awaiting moderation" not in html  # authors do not moderate


def test_desk_moderates_waiting_comments_in_place(client, editor):
    comment = make_comment(make_post("Fuel prices"), "Is this true?", status="pending")
    html = client.get(DESK).content.decode()
    assert "1 comment awaiting moderation" in html and "Is this true?" in html
    form = f'<form method="post" action="/admin/comments/comment/{comment.pk}/moderate/"'
    assert form in html and "csrfmiddlewaretoken" in html
    response = client.post(f"/admin/comments/comment/{comment.pk}/moderate/",
                           {"status": "approved", "next": DESK})  # fmt: skip
    assert response["Location"] == DESK
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_desk_shows_views_today_and_this_week_with_top_posts(client, editor):
    today = timezone.localdate()
    DailySiteViews.objects.create(day=today, views=120, visitors=80)
    DailySiteViews.objects.create(day=today - timedelta(days=3), views=300, visitors=200)
    DailySiteViews.objects.create(day=today - timedelta(days=30), views=999, visitors=1)
    post = make_post("Most read story")
    DailyPostViews.objects.create(post=post, day=today, views=77)
    html = client.get(DESK).content.decode()
    assert "<dt>Today</dt><dd>120</dd>" in html
    assert "<dt>Last 7 days</dt><dd>420</dd>" in html
    assert "Most read story" in html and "77 views" in html


def test_desk_shows_new_followers_and_the_last_mailings_progress(client, editor):
    Follower.objects.create(email="new@example.com", status=Follower.Status.ACTIVE)
    post = make_post("Mailed story")
    follower = Follower.objects.get()
    Delivery.objects.create(post=post, follower=follower, status=Delivery.Status.SENT)
    html = client.get(DESK).content.decode()
    assert "new@example.com" in html
    assert "Mailed story" in html and "1 sent · 0 waiting · 0 failed, of 1" in html


def test_quick_draft_makes_a_draft_by_the_editor(client, editor):
    response = client.post("/admin/blog/post/quick-draft/",
                           {"title": "Idea", "text": "First thought.\r\n\r\nSecond <b>one</b>."})  # fmt: skip
    assert response["Location"] == DESK
    post = Post.objects.get(title="Idea")
    assert (post.status, post.author) == (Post.Status.DRAFT, editor)
    assert post.body == "<p>First thought.</p><p>Second &lt;b&gt;one&lt;/b&gt;.</p>"
    assert "Draft saved" in client.get(DESK).content.decode()


def test_quick_draft_without_title_or_text_explains_and_saves_nothing(client, editor):
    client.post("/admin/blog/post/quick-draft/", {"title": "   ", "text": " \r\n "})
    assert not Post.objects.exists()
    assert "A draft needs a title." in client.get(DESK).content.decode()


def test_quick_draft_with_a_title_of_spaces_keeps_the_text_titled_by_its_first_words(
    client, editor
):
    text = "The Assembly of Experts meets in March to hear the first reports on the succession."
    client.post("/admin/blog/post/quick-draft/", {"title": "   ", "text": text})
    post = Post.objects.get()
    assert post.title == "The Assembly of Experts meets in March to…"
    assert post.body == f"<p>{text}</p>"


def test_desk_runs_a_fixed_number_of_queries(client, editor, django_assert_max_num_queries):
    for n in range(10):
        make_post(f"Draft {n}", status=Post.Status.DRAFT)
        make_comment(make_post(f"Post {n}"), status="pending")
    with django_assert_max_num_queries(30):
        assert client.get(DESK).status_code == 200


def test_desk_keeps_every_section_a_click_away(client, editor):
    assert 'href="/admin/sections/"' in client.get(DESK).content.decode()
    html = client.get("/admin/sections/").content.decode()
    assert "/admin/blog/post/" in html and "/admin/comments/comment/" in html
    assert "System" not in html and "/admin/procrastinate/" not in html


def test_system_sections_are_for_superusers_under_their_own_heading(client):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    html = client.get("/admin/sections/").content.decode()
    system = html.index("System</h2>")
    assert system < html.index("/admin/auth/group/")
    assert system < html.index("/admin/sites/site/")
    assert html.index("/admin/blog/post/") < system


def test_front_page_no_longer_lists_the_plumbing(client):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    html = client.get(DESK).content.decode()
    assert "/admin/procrastinate/" not in html and "/admin/sites/site/" not in html
    assert Group.objects.exists()
    assert "/admin/auth/group/" not in html
