import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from tests.comments.factories import form_data, make_comment
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

POST_URL = "/comments/post/"
CONFIRM_LINK = re.compile(r"/comments/confirm/[^/\s\"]+/")
MUTE_LINK = re.compile(r"/comments/mute/[^/\s\"]+/")


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post the comment form as the page would, with the mail queued after commit."""

    def post(post, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(POST_URL, form_data(post, **fields))

    return post


@pytest.fixture
def visit(client, django_capture_on_commit_callbacks):
    """Open a link (from a mail) and press its button, running what the view queues after
    commit."""

    def get(url):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url)

    return get


def page(client, post, query=""):
    response = client.get(post.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def confirm_link(message):
    return CONFIRM_LINK.search(message.body).group(0)


def test_post_page_shows_the_count_heading_and_replies_nested(client, rules):
    post = make_post("Why Iran Was Not Invited")
    top = make_comment(post, "The first word.")
    reply = make_comment(post, "A reply to it.", parent=top)
    body = page(client, post)
    assert "2 comments on “Why Iran Was Not Invited”" in body
    nested = rf'id="comment-{top.pk}".*?<ol class="children">\s*<li id="comment-{reply.pk}"'
    assert re.search(nested, body, re.S)


def test_post_page_without_comments_invites_the_first(client, rules):
    body = page(client, make_post())
    assert "What's on your mind?" in body
    assert "comments on" not in body


def test_guest_comment_waits_for_the_email_link_then_appears(client, send, work, rules):
    post = make_post()
    response = send(post, comment="Confirmed by mail.", followup="on")
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()
    assert "Confirmed by mail." not in page(client, post)
    work()
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    confirmed = client.post(confirm_link(message), follow=True)
    assert confirmed.redirect_chain[-1][0].endswith(f"#comment-{Comment.objects.get().pk}")
    assert "Confirmed by mail." in page(client, post)


def test_confirmation_link_twice_posts_the_comment_once(client, send, work, rules):
    post = make_post()
    send(post)
    work()
    link = confirm_link(mail.outbox[0])
    client.post(link)
    client.post(link)
    assert Comment.objects.count() == 1


def test_signed_in_reader_with_a_long_profile_name_still_posts(client, send, rules):
    """The name comes from the profile, which the form cannot fix: it is cut to the column."""
    reader = make_user("reader")
    reader.profile.display_name = "Dr. " + "Khorasani-" * 8
    reader.profile.save()
    client.force_login(reader)
    post = make_post()
    response = send(post, comment="From my account, with my long name.")
    assert response.status_code == 302
    assert Comment.objects.get().user_name == ("Dr. " + "Khorasani-" * 8)[:50]


def test_signed_in_reader_posts_directly(client, send, rules):
    reader = make_user("reader")
    client.force_login(reader)
    post = make_post()
    response = send(post, name="ignored", email="ignored@example.com", comment="From my account.")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.user, comment.user_email, comment.status) == (reader, reader.email, "approved")
    assert "From my account." in page(client, post)


# The worker runs tasks in another thread: they see committed rows only.
@pytest.mark.django_db(transaction=True)
def test_first_comment_waits_for_moderation_and_moderators_are_emailed(
    client, send, visit, work, rules
):
    rules.approval = DiscussionSettings.Approval.FIRST_TIME
    rules.save()
    editor = make_user("editor", group="Editor")
    post = make_post(author=make_user("writer"))
    send(post, comment="My very first comment.")
    work()
    link = confirm_link(mail.outbox.pop())
    assert "awaiting moderation" in visit(link).content.decode()
    assert "My very first comment." not in page(client, post)
    work()
    notified = sorted(address for message in mail.outbox for address in message.to)
    assert notified == sorted([editor.email, post.author.email])
    assert mail.outbox[0].subject == f"Please moderate: “{post.title}”"
    assert "My very first comment." in mail.outbox[0].body


def test_honeypot_comment_is_stored_as_spam_not_mailed(client, send, work, rules):
    post = make_post()
    response = send(post, honeypot="http://spam.example")
    assert response.status_code == 302
    assert "awaiting moderation" in client.get(response["Location"]).content.decode()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert comment.moderation_note == "filled in the hidden field"
    work()
    assert mail.outbox == []
    assert comment.comment not in page(client, post)


def test_comment_posted_too_fast_is_stored_as_spam(send, settings, rules):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 5
    send(make_post(), seconds_ago=1)
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_flood_from_one_address_gets_429_with_a_clear_message(send, settings, rules):
    settings.COMMENTS_RATE_LIMIT = (2, 600)
    post = make_post()
    for i in range(2):
        assert send(post, comment=f"Comment {i}").status_code == 302
    response = send(post, comment="One too many")
    assert response.status_code == 429
    body = response.content.decode()
    assert "You are posting comments too fast" in body
    assert "One too many" in body  # the text comes back so it is not lost


def test_tampered_form_gets_400_and_gives_the_text_back(client, rules):
    post = make_post()
    data = form_data(post, comment="Keep my words")
    data["security_hash"] = "0" * 40
    response = client.post(POST_URL, data)
    assert response.status_code == 400
    assert "This comment form has expired or was changed" in response.content.decode()
    assert "Keep my words" in response.content.decode()
    assert not Comment.objects.exists()


def test_form_older_than_the_timeout_is_refused(client, rules):
    post = make_post()
    response = client.post(POST_URL, form_data(post, seconds_ago=25 * 3600))
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_missing_fields_show_errors_and_store_nothing(client, rules):
    post = make_post()
    response = client.post(POST_URL, form_data(post, name="", comment="  "))
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2
    assert not Comment.objects.exists()


def test_too_long_comment_is_refused_with_the_limit(client, rules):
    response = client.post(POST_URL, form_data(make_post(), comment="x" * 5001))
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()


def test_duplicate_comment_is_refused(client, rules):
    post = make_post()
    make_comment(post, "Said it once.", user_email="ada@example.com")
    response = client.post(POST_URL, form_data(post, comment="Said it once."))
    assert response.status_code == 400
    assert "Duplicate comment detected" in response.content.decode()
    assert Comment.objects.count() == 1


def test_closed_post_keeps_comments_and_replaces_the_form(client, rules):
    post = make_post(comments_open=False)
    make_comment(post, "From before closing.")
    body = page(client, post)
    assert "From before closing." in body
    assert "Comments are closed." in body
    assert 'id="commentform"' not in body
    response = client.post(POST_URL, form_data(post))
    assert response.status_code == 403
    assert Comment.objects.count() == 1


def test_comments_close_automatically_on_old_posts(client, rules):
    rules.close_after_days = 14
    rules.save()
    old, recent = make_post(days_ago=30), make_post(days_ago=3)
    assert "Comments are closed." in page(client, old)
    assert 'id="commentform"' in page(client, recent)
    assert client.post(POST_URL, form_data(old)).status_code == 403


def test_comment_on_a_draft_is_refused(client, rules):
    draft = make_post(status="draft")
    assert client.post(POST_URL, form_data(draft)).status_code == 400


def test_reply_links_stop_at_the_depth_setting(client, rules):
    post = make_post()
    one = make_comment(post)
    two = make_comment(post, parent=one)
    three = make_comment(post, parent=two)
    body = page(client, post)
    assert f'data-reply-to="{one.pk}"' in body and f'data-reply-to="{two.pk}"' in body
    assert f'data-reply-to="{three.pk}"' not in body


def test_reply_deeper_than_allowed_joins_the_deepest_level(client, send, rules):
    client.force_login(make_user())
    post = make_post()
    one = make_comment(post)
    two = make_comment(post, parent=one)
    three = make_comment(post, parent=two)
    rules.thread_depth = 2
    rules.save()
    send(post, reply_to=three.pk, comment="Too deep")
    added = Comment.objects.get(comment="Too deep")
    assert (added.parent_id, added.level) == (one.pk, 1)


def test_reply_to_a_hidden_comment_is_refused(client, rules):
    post = make_post()
    pending = make_comment(post, status=Comment.Status.PENDING)
    response = client.post(POST_URL, form_data(post, reply_to=pending.pk))
    assert response.status_code == 400
    assert "no longer available" in response.content.decode()


def test_replies_to_spam_stay_hidden_with_it(client, rules):
    post = make_post()
    spam = make_comment(post, "Buy things")
    make_comment(post, "Answer to spam", parent=spam)
    spam.status = Comment.Status.SPAM
    spam.save()
    body = page(client, post)
    assert "Answer to spam" not in body and "Buy things" not in body


def test_newest_first_order_puts_latest_thread_on_top(client, rules):
    rules.order = DiscussionSettings.Order.NEWEST
    rules.save()
    post = make_post()
    make_comment(post, "Older thread")
    make_comment(post, "Newer thread")
    body = page(client, post)
    assert body.index("Newer thread") < body.index("Older thread")


def test_threads_are_paginated_and_permalinks_find_the_page(client, rules):
    rules.threads_per_page = 2
    rules.save()
    post = make_post()
    first, _second, third = (make_comment(post, f"Thread {i}") for i in range(3))
    body = page(client, post)
    assert "Thread 0" in body and "Thread 2" not in body
    assert "Comment page 1 of 2" in body
    assert "Thread 2" in page(client, post, "?cpage=2")
    response = client.get(third.get_absolute_url())
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=2#comment-{third.pk}"
    assert client.get(first.get_absolute_url())["Location"].endswith(f"/#comment-{first.pk}")


def test_permalink_of_a_pending_comment_is_404(client, rules):
    pending = make_comment(make_post(), status=Comment.Status.PENDING)
    assert client.get(pending.get_absolute_url()).status_code == 404


def test_reply_page_shows_the_form_for_a_shown_comment_only(client, rules):
    post = make_post()
    shown = make_comment(post, "Reply to me")
    hidden = make_comment(post, "Secret pending text", status=Comment.Status.PENDING)
    body = client.get(f"/comments/reply/{shown.pk}/").content.decode()
    assert "Reply to me" in body and f'name="reply_to" value="{shown.pk}"' in body
    response = client.get(f"/comments/reply/{hidden.pk}/")
    assert response.status_code == 404


# The worker runs tasks in another thread: they see committed rows only.
@pytest.mark.django_db(transaction=True)
def test_followers_are_mailed_and_can_stop_with_one_click(client, send, visit, work, rules):
    post = make_post()
    make_comment(post, "I follow this", user_email="fan@example.com", followup=True)
    send(post, comment="News for the followers")
    work()
    visit(confirm_link(mail.outbox[0]))
    mail.outbox.clear()
    work()
    [followup] = mail.outbox
    assert followup.to == ["fan@example.com"]
    assert "News for the followers" in followup.body
    muted = client.post(MUTE_LINK.search(followup.body).group(0))
    assert "You will not receive emails" in muted.content.decode()
    assert not Comment.objects.get(user_email="fan@example.com").followup


def test_commenter_links_carry_nofollow_ugc(client, rules):
    post = make_post()
    make_comment(post, "See https://example.org/report", user_url="https://ada.example")
    body = page(client, post)
    assert '<a class="url" href="https://ada.example" rel="nofollow ugc">' in body
    assert 'href="https://example.org/report" rel="nofollow ugc noopener"' in body


def test_avatars_are_made_locally(client, rules):
    post = make_post()
    make_comment(post, user_name="Ada Lovelace", user_email="ada@example.com")
    body = page(client, post)
    assert 'class="comment-avatar hue-' in body and ">AL</span>" in body
    assert "gravatar" not in body and "ada@example.com" not in body


def test_signed_in_commenters_own_picture_is_shown(client, rules):
    from blog.models import AuthorProfile

    post, user = make_post(), make_user("pictured")
    AuthorProfile.objects.update_or_create(user=user, defaults={"avatar": "avatars/ada.png"})
    make_comment(post, user=user, user_name="Ada Lovelace")
    body = page(client, post)
    assert (
        '<img class="comment-avatar" src="/media/avatars/ada.png" alt="" width="40" height="40"'
        in body
    )
    assert ">AL</span>" not in body


def test_replies_below_a_held_comment_are_hidden_however_deep(client, rules):
    post = make_post()
    held = make_comment(post, "Held thread")
    make_comment(post, "Deep answer", parent=make_comment(post, "Middle answer", parent=held))
    make_comment(post, "Another thread")
    held.status = Comment.Status.PENDING
    held.save()
    body = page(client, post)
    assert "Another thread" in body and "1 comment on" in body
    assert "Middle answer" not in body and "Deep answer" not in body


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_xss_in_every_comment_field_is_inert(client, send, rules):
    client.force_login(make_user("trusted", group="Editor"))  # published at once
    post = make_post()
    send(post, comment=XSS + ' javascript:alert(1) http://x.example/"onmouseover=alert(1)')
    make_comment(post, "ok", user_name=XSS[:50], user_url='https://x.example/"><script>')
    make_comment(post, "mention", user_name="m", kind="pingback",
                 source_url='https://y.example/"><script>', source_title=XSS)  # fmt: skip
    body = page(client, post)
    start = body.index('id="comments"')
    comments_html = body[start : body.index("</section>", start)]
    assert "<script" not in comments_html and "<img" not in comments_html
    assert '"onmouseover' not in comments_html and 'href="javascript' not in comments_html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in comments_html


def test_website_with_javascript_scheme_is_refused(client, rules):
    response = client.post(POST_URL, form_data(make_post(), url="javascript:alert(1)"))
    assert response.status_code == 400
    assert "Enter a valid URL." in response.content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.usefixtures("uncached")
def test_post_page_query_count_does_not_grow_with_comments(client, rules):
    small, big = make_post("Small"), make_post("Big")
    make_comment(small)
    for i in range(100):
        top = make_comment(big, f"Thread {i}", user=make_user() if i % 10 == 0 else None)
        for j in range(4):
            top = make_comment(big, f"Reply {i}.{j}", parent=top if j < 2 else None)
    assert Comment.objects.for_post(big).count() == 500
    client.get(small.get_absolute_url())  # warm per-process caches
    queries = count_queries(client, big.get_absolute_url())
    assert queries == count_queries(client, small.get_absolute_url())
    # The whole page with nothing cached: the post (with its author, categories and tags), its
    # two neighbours, the likes, the comments, settings, sign-in providers, page menu and each
    # sidebar widget's one query.
    assert queries <= 16


@pytest.mark.usefixtures("uncached")
def test_post_page_query_count_is_the_same_signed_in(client, rules):
    post = make_post()
    make_comment(post)
    client.force_login(make_user())
    client.get(post.get_absolute_url())
    few = count_queries(client, post.get_absolute_url())
    for _ in range(20):
        make_comment(post, user=make_user())
    assert count_queries(client, post.get_absolute_url()) == few


def test_preview_of_a_draft_shows_no_comment_section(client, rules):
    client.force_login(make_user("ed", group="Editor"))
    draft = make_post(status="draft", published_at=timezone.now() - timedelta(days=1))
    assert 'id="comments"' not in page(client, draft)
