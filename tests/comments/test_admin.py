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


# Row actions and replies from the admin


def test_list_shows_author_excerpt_reply_target_post_date_and_status(editor_client):
    post = make_post("Fuel prices")
    first = make_comment(post, "First words", user_name="Farid")
    make_comment(post, "An answer", parent=first, user_name="Sarah")
    html = editor_client.get(CHANGELIST).content.decode()
    for header in ["Author", "Comment", "In reply to", "Post", "Date", "Status"]:
        assert f">{header}</" in html
    assert f'<a href="{CHANGELIST}{first.pk}/change/">Farid</a>' in html


def test_each_row_offers_the_other_statuses_and_a_reply(editor_client):
    comment = make_comment(make_post(), status=Comment.Status.PENDING)
    html = editor_client.get(CHANGELIST).content.decode()
    action = f'formaction="{CHANGELIST}{comment.pk}/moderate/"'
    assert html.count(action) == 3  # approve, spam, trash: not "unapprove" a held one
    assert 'value="approved">Approve</button>' in html
    assert 'value="pending">Unapprove</button>' not in html
    assert f'href="{CHANGELIST}{comment.pk}/reply/"' in html


@pytest.mark.parametrize("status", ["approved", "spam", "trash", "pending"])
def test_row_action_sets_the_status_and_returns_to_the_list(editor_client, status):
    start = "pending" if status != "pending" else "approved"
    comment = make_comment(make_post(), status=start)
    back = f"{CHANGELIST}?status={start}"
    response = editor_client.post(
        f"{CHANGELIST}{comment.pk}/moderate/", {"status": status}, headers={"referer": back}
    )
    assert (response.status_code, response["Location"]) == (302, back)
    comment.refresh_from_db()
    assert (comment.status, comment.is_public) == (status, status == "approved")


def test_row_action_is_post_only_and_never_leaves_the_site(editor_client):
    comment = make_comment(make_post(), status=Comment.Status.PENDING)
    url = f"{CHANGELIST}{comment.pk}/moderate/"
    assert editor_client.get(url, {"status": "approved"}).status_code == 405
    response = editor_client.post(url, {"status": "approved", "next": "https://evil.example/"})
    assert response["Location"] == CHANGELIST


def test_row_action_is_refused_to_staff_who_cannot_moderate(client):
    client.force_login(make_user("author", group="Author"))
    comment = make_comment(make_post(), status=Comment.Status.PENDING)
    response = client.post(f"{CHANGELIST}{comment.pk}/moderate/", {"status": "approved"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_editor_replies_from_the_admin_as_an_approved_threaded_comment(editor_client):
    editor = Comment._meta.get_field("user").related_model.objects.get(username="editor")
    editor.profile.display_name = "Ada Editor"
    editor.profile.save()
    post = make_post("Fuel prices")
    question = make_comment(post, "When do prices fall?", status=Comment.Status.PENDING)
    page = editor_client.get(f"{CHANGELIST}{question.pk}/reply/").content.decode()
    assert "When do prices fall?" in page and "Replying approves this comment too." in page
    response = editor_client.post(f"{CHANGELIST}{question.pk}/reply/", {"text": "Next month."})
    assert response.status_code == 302
    reply = Comment.objects.get(comment="Next month.")
    assert (reply.user_name, reply.user_id, reply.status) == ("Ada Editor", editor.pk, "approved")
    assert (reply.parent_id, reply.thread_id, reply.level) == (question.pk, question.pk, 1)
    question.refresh_from_db()
    assert question.status == "approved"  # answering a held comment approves it, as on WordPress
    html = editor_client.get(post.get_absolute_url()).content.decode()
    assert "Next month." in html and "When do prices fall?" in html


def test_an_empty_reply_explains_and_saves_nothing(editor_client):
    question = make_comment(make_post())
    response = editor_client.post(f"{CHANGELIST}{question.pk}/reply/", {"text": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_reply_returns_to_the_page_the_reply_link_was_on_not_to_its_own_form(editor_client):
    question = make_comment(make_post(), status=Comment.Status.PENDING)
    form = f"{CHANGELIST}{question.pk}/reply/"
    listed = f"{CHANGELIST}?status=pending"
    page = editor_client.get(form, HTTP_REFERER=f"http://testserver{listed}").content.decode()
    assert f'name="next" value="http://testserver{listed.replace("&", "&amp;")}"' in page
    sent = {"text": "Thanks.", "next": f"http://testserver{listed}"}
    response = editor_client.post(form, sent, HTTP_REFERER=f"http://testserver{form}")
    assert response["Location"] == f"http://testserver{listed}"
    bare = editor_client.post(form, {"text": "Again."}, HTTP_REFERER=f"http://testserver{form}")
    assert bare["Location"] == CHANGELIST
