import pytest
from django.core import mail
from django.test import RequestFactory

from comments import services
from comments.models import Comment, DiscussionSettings
from tests.comments.factories import make_comment
from tests.factories import make_post, make_user
from tests.smtpserver import SMTPServer

pytestmark = pytest.mark.django_db


def jobs_named(jobs, name):
    return [job for job in jobs.values() if job["task_name"] == f"comments.tasks.{name}"]


def test_xtd_sends_its_mail_through_our_queue():
    from django_comments_xtd import utils, views

    assert views.send_mail is services.mail_queue
    assert utils.send_mail is services.mail_queue


def test_rate_limit_counts_attempts_per_address():
    factory = RequestFactory()
    one, other = (
        factory.post("/", REMOTE_ADDR="198.51.100.1"),
        factory.post("/", REMOTE_ADDR="198.51.100.2"),
    )
    hits = [services.rate_limit_hit(one, scope="t", limit=2, window=60) for _ in range(3)]
    assert hits == [False, False, True]
    assert services.rate_limit_hit(other, scope="t", limit=2, window=60) is False


def test_new_pending_comment_queues_a_moderator_notice(
    django_capture_on_commit_callbacks, task_queue
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = make_comment(make_post(), status=Comment.Status.PENDING)
    [job] = jobs_named(task_queue.connector.jobs, "notify_moderators")
    assert job["args"] == {"comment_id": comment.pk}


def test_new_approved_comment_queues_no_moderator_notice(
    django_capture_on_commit_callbacks, task_queue
):
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(make_post())
    assert jobs_named(task_queue.connector.jobs, "notify_moderators") == []


def test_moderator_notice_goes_to_author_and_editors_but_not_the_commenter(
    django_capture_on_commit_callbacks, task_queue
):
    editor = make_user("ed", group="Editor")
    make_user("plain")  # neither author nor editor
    post = make_post(author=make_user("writer"))
    comment = make_comment(post, status=Comment.Status.PENDING, user_email=editor.email)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.comment_notify_moderators(comment_id=comment.pk)
    assert sent == 1
    [job] = jobs_named(task_queue.connector.jobs, "send_mail")
    assert job["args"]["recipient_list"] == ["writer@example.com"]


def test_moderator_notice_can_be_turned_off():
    rules = DiscussionSettings.load()
    rules.notify_moderators = False
    rules.save()
    comment = make_comment(make_post(), status=Comment.Status.PENDING)
    assert services.comment_notify_moderators(comment_id=comment.pk) == 0


def test_approving_in_bulk_publishes_and_tells_followers(
    django_capture_on_commit_callbacks, task_queue
):
    post = make_post()
    held = [make_comment(post, status=Comment.Status.PENDING) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        count = services.comments_set_status(
            comments=Comment.objects.filter(pk__in=[c.pk for c in held]), status="approved"
        )
    assert count == 3
    assert Comment.objects.public_for(post).count() == 3
    assert Comment.objects.filter(is_public=True).count() == 3
    assert len(jobs_named(task_queue.connector.jobs, "notify_followers")) == 3


def test_spam_then_restore_returns_each_comment_to_where_it_was():
    post = make_post()
    shown = make_comment(post)
    held = make_comment(post, status=Comment.Status.PENDING)
    everything = Comment.objects.filter(pk__in=[shown.pk, held.pk])
    services.comments_set_status(comments=everything, status=Comment.Status.SPAM)
    services.comments_set_status(comments=everything, status=Comment.Status.TRASH)
    assert set(everything.values_list("is_removed", flat=True)) == {True}
    assert services.comments_restore(comments=everything) == 2
    shown.refresh_from_db()
    held.refresh_from_db()
    assert (shown.status, held.status) == ("approved", "pending")
    assert shown.is_public and not held.is_public


def test_reply_parent_is_the_deepest_allowed_ancestor():
    post = make_post()
    one = make_comment(post)
    two = make_comment(post, parent=one)
    three = make_comment(post, parent=two)
    assert services.reply_parent_id(three.pk, 3) == two.pk
    assert services.reply_parent_id(two.pk, 3) == two.pk
    assert services.reply_parent_id(three.pk, 1) == 0


def test_followers_notice_skips_a_comment_that_is_no_longer_approved(run_jobs):
    post = make_post()
    make_comment(post, user_email="fan@example.com", followup=True)
    spam = make_comment(post, status=Comment.Status.SPAM)
    services.comment_notify_followers(comment_id=spam.pk)
    run_jobs()
    assert mail.outbox == []


# Mail headers made from people's text


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.MAILERS = {"default": server.mailer()}
        yield server.recorder


def test_moderator_notice_of_a_post_titled_with_a_line_separator_arrives(
    smtp, django_capture_on_commit_callbacks, run_jobs
):
    post = make_post("Fuel prices rise\u2028again", author=make_user("writer"))
    comment = make_comment(post, status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_notify_moderators(comment_id=comment.pk)
    run_jobs()
    [message] = smtp.parsed()
    assert message["Subject"] == "Please moderate: “Fuel prices rise again”"


@pytest.mark.parametrize("brk", ["\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"])
def test_queued_mail_with_a_line_break_in_its_subject_is_sent_on_one_line(smtp, brk):
    services.mail_send(
        subject=f"Re: {brk}Ada{brk}", body="Body", from_email=None, recipient_list=["a@example.com"]
    )
    [message] = smtp.parsed()
    assert (message["Subject"], message["From"]) == ("Re: Ada", "Newsroom <blog@localhost>")
