import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import Post
from comments.mentions import fetch, sources
from comments.mentions import services as mentions
from comments.models import Comment, DiscussionSettings
from tests.comments.mentions.pings import mentions_of, target_url
from tests.factories import make_category, make_page, make_post
from tests.httpserver import Route

pytestmark = pytest.mark.django_db


def page_at(server, html, path="/source", **route):
    server.routes[path] = Route(html, **route)
    return fetch.fetch(server.url(path))


def save(post, source, *, excerpt="[…] they wrote about it […]", title="Other blog"):
    page = sources.SourcePage(title=title, excerpt=excerpt)
    return mentions.mention_save(post=post, source=source, kind="webmention", page=page)


# The text around the link


def test_excerpt_keeps_short_context_whole():
    assert sources.excerpt("  As\n reported   by", "this post", ", Iran\twas left out. ") == (
        "As reported by this post , Iran was left out."
    )


def test_excerpt_cuts_about_100_characters_each_side_at_words_with_marks():
    before = " ".join(f"before{i}" for i in range(40))
    after = " ".join(f"after{i}" for i in range(40))
    text = sources.excerpt(before, "the link", after)
    assert text.startswith("[…] before") and text.endswith("after12 […]")
    left, right = text.split(" the link ")
    assert 90 <= len(left) <= 110 and 90 <= len(right) <= 110
    assert "before39" in left and "before2 " not in left  # the nearest words are kept


def test_source_page_context_is_the_paragraph_around_the_link(server):
    target = "http://testserver/2014/09/17/post/"
    html = (
        "<html><head><title>  Kerry and\n Tehran </title><script>var x = 'no';</script></head>"
        "<body><nav>Home About</nav><p>US Secretary of State   John Kerry <em>kept</em> Iran out,"
        f" as <a href='{target}#comments'>this <b>analysis</b></a> shows.\n Then more.</p>"
        "<p>Another paragraph.</p></body></html>"
    )
    page = sources.source_page(page_at(server, html), target)
    assert page.title == "Kerry and Tehran"
    assert page.excerpt == (
        "US Secretary of State John Kerry kept Iran out, as this analysis shows. Then more."
    )


def test_source_page_with_a_relative_link_to_us_counts(server):
    server_target = server.url("/2014/09/17/post/")
    page = sources.source_page(
        page_at(server, "<p><a href='/2014/09/17/post'>x</a></p>"), server_target
    )
    assert page.excerpt == "x"
    assert page.title == "127.0.0.1"  # no <title>: the source's host


@pytest.mark.parametrize(
    "html",
    [
        "<p>No link at all to http://testserver/2014/09/17/post/</p>",
        "<!-- <a href='http://testserver/2014/09/17/post/'>x</a> -->",
        "<code>&lt;a href='http://testserver/2014/09/17/post/'&gt;x&lt;/a&gt;</code>",
        "<a href='http://testserver/2014/09/17/other-post/'>x</a>",
    ],
)
def test_source_page_without_a_link_to_the_target_is_fault_17(server, html):
    with pytest.raises(sources.MentionError) as refused:
        sources.source_page(page_at(server, html), "http://testserver/2014/09/17/post/")
    assert refused.value.code == 17


def test_plain_text_source_that_names_the_target_counts(server):
    target = "http://testserver/2014/09/17/post/"
    response = page_at(server, f"See {target} for more.", headers={"Content-Type": "text/plain"})
    assert sources.source_page(response, target).excerpt == f"See {target} for more."


# The target


def test_target_post_is_a_published_post_of_ours():
    post = make_post("Ours")
    assert sources.target_post(target_url(post)) == post


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("http://elsewhere.example/2014/09/17/ours/", 33),
        ("http://testserver/", 33),
        ("http://testserver/2014/09/17/no-such-post/", 32),
        ("http://testserver/no/such/page/", 32),
        ("javascript:alert(1)", 33),
    ],
)
def test_target_that_is_not_one_of_our_posts_is_refused(target, code):
    make_post("Ours")
    with pytest.raises(sources.MentionError) as refused:
        sources.target_post(target)
    assert refused.value.code == code


def test_a_static_page_cannot_be_a_target():
    about = make_page("About")
    with pytest.raises(sources.MentionError) as refused:
        sources.target_post(f"http://testserver{about.get_absolute_url()}")
    assert refused.value.code == 33


def test_target_category_page_cannot_be_a_target():
    category = make_category("World")
    with pytest.raises(sources.MentionError) as refused:
        sources.target_post(f"http://testserver{category.get_absolute_url()}")
    assert refused.value.code == 33


def test_target_draft_does_not_exist_for_pings():
    post = make_post("Secret", status=Post.Status.DRAFT)
    with pytest.raises(sources.MentionError) as refused:
        sources.target_post(target_url(post))
    assert refused.value.code == 32


def test_target_with_pings_closed_is_access_denied():
    post = make_post("Closed", pings_open=False)
    with pytest.raises(sources.MentionError) as refused:
        sources.target_post(target_url(post))
    assert refused.value.code == 49


# Storing through the comment moderation rules


def test_first_mention_from_a_site_waits_for_moderation_like_a_first_comment():
    post = make_post()
    comment = save(post, "https://other.example/a/")
    assert (comment.kind, comment.status) == ("webmention", Comment.Status.PENDING)
    assert comment.moderation_note == "first comment from this address"
    assert comment.source_title == "Other blog" and comment.user_url == "https://other.example/a/"


def test_mention_from_a_site_with_an_approved_mention_is_published(rules):
    rules.approval = DiscussionSettings.Approval.FIRST_TIME
    rules.save()
    post = make_post()
    save(post, "https://other.example/a/")
    Comment.objects.update(status=Comment.Status.APPROVED)
    assert save(post, "https://other.example/b/").status == Comment.Status.APPROVED
    assert save(post, "https://another.example/b/").status == Comment.Status.PENDING


def test_mention_matching_the_blocklist_is_spam(rules):
    rules.blocklist = "casino"
    rules.save()
    comment = save(make_post(), "https://casino.example/win/")
    assert comment.status == Comment.Status.SPAM


def test_mention_waiting_tells_the_moderators(django_capture_on_commit_callbacks, task_queue):
    with django_capture_on_commit_callbacks(execute=True):
        save(make_post(), "https://other.example/a/")
    tasks = [job["task_name"] for job in task_queue.connector.jobs.values()]
    assert "comments.tasks.notify_moderators" in tasks


def test_mention_saved_again_updates_the_one_there_and_keeps_its_approval(rules):
    post = make_post()
    first = save(post, "https://other.example/a/", excerpt="old words")
    second = save(post, "https://other.example/a/", excerpt="new words", title="Renamed")
    assert [c.pk for c in mentions_of(post)] == [first.pk]
    second.refresh_from_db()
    assert (second.comment, second.source_title, second.status) == (
        "new words", "Renamed", Comment.Status.APPROVED,
    )  # fmt: skip


def test_mention_updated_with_a_blocklisted_word_leaves_the_page(rules):
    post = make_post()
    save(post, "https://other.example/a/", excerpt="fine words")
    rules.blocklist = "casino"
    rules.save()
    assert save(post, "https://other.example/a/", excerpt="casino now").status == "spam"


def test_mention_remove_deletes_only_that_source(rules):
    post = make_post()
    save(post, "https://one.example/a/")
    kept = save(post, "https://two.example/b/")
    assert mentions.mention_remove(post=post, source="https://one.example/a/") == 1
    assert mentions_of(post) == [kept]


# Limits


def test_fetch_slots_are_shared_and_capped(settings):
    """Every process takes its slot from Postgres: with all taken elsewhere, none is free."""
    settings.PING_FETCH_SLOTS = 2
    db = connection.settings_dict
    other = psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"],
        dbname=db["NAME"], autocommit=True,
    )  # fmt: skip
    try:
        for slot in range(2):
            other.execute("SELECT pg_advisory_lock(%s, %s)", [sources.LOCK_CLASS, slot])
        with pytest.raises(sources.Busy), sources.fetch_slot(wait=0.2):
            pass
        other.execute("SELECT pg_advisory_unlock(%s, 1)", [sources.LOCK_CLASS])
        with sources.fetch_slot(wait=0.2):
            held = other.execute(
                # Advisory locks belong to one database; another database's runs hold their own.
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                [sources.LOCK_CLASS],
            ).fetchone()[0]
        assert held == 2  # the other process's slot 0 and ours
    finally:
        other.close()


def test_rate_limit_per_sender_address(settings):
    settings.PING_RATE_LIMIT_IP = (3, 60)
    assert [sources.ip_rate_limited("203.0.113.9") for _ in range(4)] == [False] * 3 + [True]
    assert not sources.ip_rate_limited("203.0.113.10")


def test_rate_limit_per_source_host(settings):
    settings.PING_RATE_LIMIT_SOURCE_HOST = (2, 60)
    hits = [sources.source_rate_limited(f"https://spam.example/{n}") for n in range(3)]
    assert hits == [False, False, True]
    assert not sources.source_rate_limited("https://honest.example/1")


# On the post's page


def test_post_page_advertises_pingback_and_webmention(client):
    post = make_post()
    response = client.get(post.get_absolute_url())
    assert response["X-Pingback"] == "http://testserver/xmlrpc/"
    assert response["Link"] == '<http://testserver/webmention/>; rel="webmention"'
    body = response.content.decode()
    assert '<link rel="pingback" href="http://testserver/xmlrpc/">' in body
    assert '<link rel="webmention" href="http://testserver/webmention/">' in body


def test_post_page_with_pings_closed_advertises_nothing(client):
    response = client.get(make_post(pings_open=False).get_absolute_url())
    assert not response.has_header("X-Pingback") and not response.has_header("Link")
    assert 'rel="pingback"' not in response.content.decode()


def test_home_page_advertises_nothing(client):
    make_post()
    assert not client.get("/").has_header("X-Pingback")


def test_mentions_show_among_the_comments_and_count(client, rules):
    post = make_post("Linked to")
    save(post, "https://other.example/a/", excerpt="[…] a quote around the link […]")
    body = client.get(post.get_absolute_url()).content.decode()
    assert "1 comment on “Linked to”" in body
    assert 'href="https://other.example/a/" rel="nofollow ugc">Other blog</a>' in body
    assert "[…] a quote around the link […]" in body


def test_mentions_in_their_own_section_when_the_setting_says_so(client, rules):
    from tests.comments.factories import make_comment

    rules.mentions_separate = True
    rules.save()
    post = make_post("Linked to")
    make_comment(post, "A reader writes.")
    save(post, "https://other.example/a/", excerpt="[…] a quote […]")
    body = client.get(post.get_absolute_url()).content.decode()
    assert "1 comment on “Linked to”" in body
    assert "1 link from other sites" in body
    assert body.index("A reader writes.") < body.index("1 link from other sites")
    assert body.index("1 link from other sites") < body.index("[…] a quote […]")


def test_mention_source_title_is_escaped(client, rules):
    post = make_post()
    save(post, "https://other.example/a/", title="<script>alert(1)</script>", excerpt="<b>x</b>")
    body = client.get(post.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body
    assert "&lt;b&gt;x&lt;/b&gt;" in body


@pytest.mark.usefixtures("uncached")
@pytest.mark.parametrize("separate", [False, True])
def test_post_page_queries_do_not_grow_with_mentions(client, rules, separate):
    rules.mentions_separate = separate
    rules.save()
    post = make_post()
    save(post, "https://other.example/0/")
    client.get(post.get_absolute_url())  # warm caches (content types, site settings)
    with CaptureQueriesContext(connection) as one:
        client.get(post.get_absolute_url())
    for n in range(1, 6):
        save(post, f"https://other.example/{n}/")
    with CaptureQueriesContext(connection) as six:
        body = client.get(post.get_absolute_url()).content.decode()
    assert body.count("https://other.example/") >= 6
    assert len(six) == len(one)


# The demo content


def test_seed_pingbacks_adds_the_reference_pages_three_pingbacks_once(client):
    post = make_post("Why Iran Was Not Invited to the Anti ISIS Club")
    assert post.slug == "why-iran-was-not-invited-to-the-anti-isis-club"
    call_command("seed_pingbacks")
    call_command("seed_pingbacks")
    assert len(mentions_of(post)) == 3
    body = client.get(post.get_absolute_url()).content.decode()
    assert "3 comments on “Why Iran Was Not Invited to the Anti ISIS Club”" in body
    assert "[…] US Secretary of State John Kerry kept Iran out of his talks" in body
    assert "(or impossibility) of an Iranian role in averting the ISIS crisis" in body
    assert "has been gradually increasing its involvement – both […]" in body


def test_seed_pingbacks_after_seed_comments_adds_nothing_twice():
    make_post("Why Iran Was Not Invited to the Anti ISIS Club")
    call_command("seed_comments")
    call_command("seed_pingbacks")
    post = Post.objects.get(slug="why-iran-was-not-invited-to-the-anti-isis-club")
    assert [c.kind for c in mentions_of(post)] == ["pingback"] * 3
