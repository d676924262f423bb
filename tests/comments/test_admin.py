import pytest

from comments.mentions.models import MentionRequest
from comments.models import Comment, DiscussionSettings
from tests.comments.factories import make_comment
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/comments/comment/"


@pytest.fixture
def editor_client(client):
    client.force_login(make_user("editor", group="Editor"))
    return client


def test_queue_filters_by_status_and_hides_spam_and_trash_by_default(editor_client):
    post = make_post()
    make_comment(post, "Approved one")
    make_comment(post, "Waiting one", status=Comment.Status.PENDING)
    make_comment(post, "Spammy one", status=Comment.Status.SPAM)
    everything = editor_client.get(CHANGELIST).content.decode()
    assert "Approved one" in everything and "Waiting one" in everything
    assert "Spammy one" not in everything
    assert "Pending (1)" in everything and "Spam (1)" in everything
    pending = editor_client.get(CHANGELIST + "?status=pending").content.decode()
    assert "Waiting one" in pending and "Approved one" not in pending
    assert "Spammy one" in editor_client.get(CHANGELIST + "?status=spam").content.decode()


def test_queue_filters_by_kind(editor_client):
    post = make_post()
    make_comment(post, "Reader words")
    make_comment(post, "[…] linked […]", kind="pingback", source_url="https://x.example/")
    body = editor_client.get(CHANGELIST + "?kind=pingback").content.decode()
    assert "linked" in body and "Reader words" not in body


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [("approve", "pending", "approved"), ("mark_spam", "approved", "spam"),
     ("trash", "approved", "trash"), ("hold", "approved", "pending"),
     ("restore", "trash", "pending")],
)  # fmt: skip
def test_bulk_actions_move_comments(editor_client, action, start, end):
    comments = [make_comment(make_post(), status=start) for _ in range(2)]
    response = editor_client.post(
        CHANGELIST + "?status=" + start,
        {"action": action, "_selected_action": [c.pk for c in comments]},
    )
    assert response.status_code == 302
    assert set(Comment.objects.values_list("status", flat=True)) == {end}


def test_admin_index_shows_the_number_waiting(editor_client):
    post = make_post()
    for _ in range(3):
        make_comment(post, status=Comment.Status.PENDING)
    body = editor_client.get("/admin/").content.decode()
    assert "3 comments awaiting moderation" in body
    assert f'href="{CHANGELIST}?status=pending"' in body


def test_changing_the_status_in_the_form_keeps_flags_in_step(editor_client):
    comment = make_comment(make_post(), "Edit me", status=Comment.Status.PENDING)
    url = f"{CHANGELIST}{comment.pk}/change/"
    data = {"status": "approved", "comment": "Edited text", "user_name": "Ada",
            "user_email": "ada@example.com", "user_url": "", "kind": "comment",
            "source_url": "", "source_title": ""}  # fmt: skip
    assert editor_client.post(url, data).status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.is_public, comment.comment) == ("approved", True, "Edited text")


def test_changelist_runs_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries):
    make_comment(make_post())
    editor_client.get(CHANGELIST)
    for i in range(30):
        make_comment(make_post(f"P{i}"))
    with django_assert_max_num_queries(20):
        assert editor_client.get(CHANGELIST).status_code == 200


def test_discussion_settings_are_edited_in_the_admin(editor_client):
    DiscussionSettings.load()
    url = "/admin/comments/discussionsettings/1/change/"
    data = {"approval": "all", "notify_moderators": "on", "hold_link_count": 5,
            "moderation_words": "casino", "blocklist": "", "close_after_days": 30,
            "thread_depth": 4, "order": "newest", "threads_per_page": 20}  # fmt: skip
    assert editor_client.post(url, data).status_code == 302
    rules = DiscussionSettings.load()
    assert (rules.approval, rules.thread_depth, rules.order) == ("all", 4, "newest")
    data["thread_depth"] = 11
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "less than or equal to 10" in response.content.decode()


def test_editors_see_why_a_received_ping_was_rejected(editor_client):
    post = make_post("Pinged post")
    MentionRequest.objects.create(
        protocol="pingback", source="https://linker.example/a", target="http://testserver/x/",
        post=post, status=MentionRequest.Status.REJECTED, fault=17,
        detail="The source URL does not contain a link to the target URL.",
    )  # fmt: skip
    MentionRequest.objects.create(
        protocol="trackback", source="https://other.example/b", target="http://testserver/x/",
        post=post, status=MentionRequest.Status.ACCEPTED,
    )  # fmt: skip
    pingbacks = editor_client.get("/admin/mentions/mentionrequest/?protocol=pingback")
    body = pingbacks.content.decode()
    assert "https://linker.example/a" in body and "does not contain a link" in body
    assert "https://other.example/b" not in body
    trackbacks = editor_client.get("/admin/mentions/mentionrequest/?protocol=trackback")
    assert "https://other.example/b" in trackbacks.content.decode()
