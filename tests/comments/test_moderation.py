from comments.models import Comment, DiscussionSettings
from comments.moderation import Submission, classify, link_count


def rules(**fields):
    return DiscussionSettings(**{"approval": DiscussionSettings.Approval.NONE, **fields})


def submission(**fields):
    values = {"name": "Ada", "email": "ada@example.com", "url": "", "text": "Nice post."}
    return Submission(**{**values, **fields})


def test_classify_publishes_a_plain_comment_when_approval_is_off():
    assert classify(submission(), rules()).status == Comment.Status.APPROVED


def test_classify_holds_every_comment_when_approval_is_all():
    verdict = classify(submission(), rules(approval=DiscussionSettings.Approval.ALL))
    assert verdict.status == Comment.Status.PENDING


def test_classify_holds_first_time_commenters_only():
    first_time = rules(approval=DiscussionSettings.Approval.FIRST_TIME)
    assert classify(submission(), first_time).status == Comment.Status.PENDING
    known = submission(previously_approved=True)
    assert classify(known, first_time).status == Comment.Status.APPROVED


def test_classify_holds_a_comment_with_more_links_than_allowed():
    text = "See https://a.example and http://b.example and www.c.example"
    verdict = classify(submission(text=text), rules(hold_link_count=2))
    assert verdict.status == Comment.Status.PENDING
    assert verdict.reason == "has 3 links"


def test_classify_allows_links_up_to_the_limit():
    text = "See https://a.example and http://b.example"
    assert classify(submission(text=text), rules(hold_link_count=2)).status == "approved"


def test_classify_holds_a_moderation_word_in_any_field_inside_words():
    verdict = classify(submission(name="WordPress fan"), rules(moderation_words="press\n"))
    assert verdict.status == Comment.Status.PENDING
    assert "press" in verdict.reason


def test_classify_sends_blocklisted_email_ip_word_or_url_to_spam():
    blocked = rules(blocklist="viagra\nspammer@example.net\n203.0.113.9\ncasino.example\n")
    for fields in [
        {"text": "Cheap VIAGRA here"},
        {"email": "Spammer@example.net"},
        {"ip": "203.0.113.9"},
        {"url": "https://casino.example/win"},
    ]:
        assert classify(submission(**fields), blocked).status == Comment.Status.SPAM, fields


def test_classify_sends_bot_signals_to_spam_with_the_reason():
    verdict = classify(submission(bot_signals=["filled in the hidden field"]), rules())
    assert verdict.status == Comment.Status.SPAM
    assert verdict.reason == "filled in the hidden field"


def test_classify_trusts_staff_over_every_rule():
    strict = rules(approval=DiscussionSettings.Approval.ALL, blocklist="news")
    verdict = classify(submission(text="news", trusted=True), strict)
    assert verdict.status == Comment.Status.APPROVED


def test_link_count_counts_schemes_and_www():
    assert link_count("http://a https://b www.c plain.example") == 3
