"""The rules that decide where a new comment goes: published, held for moderation, or spam.

Pure functions over plain values, like WordPress's discussion settings: the caller looks up what
needs the database (is the commenter trusted, has the address had a comment approved before).
"""

import re
from dataclasses import dataclass, field

from comments.models import Comment, DiscussionSettings

LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Submission:
    """What a commenter sent, and what we know about them."""

    name: str
    email: str
    url: str
    text: str
    ip: str = ""
    trusted: bool = False  # staff who may moderate, or the post's author
    previously_approved: bool = False
    bot_signals: list[str] = field(default_factory=list)

    def haystack(self):
        return "\n".join([self.text, self.name, self.email, self.url, self.ip]).lower()


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""


def link_count(text: str) -> int:
    return len(LINK.findall(text))


def first_match(entries: list[str], haystack: str) -> str | None:
    return next((entry for entry in entries if entry in haystack), None)


def classify(submission: Submission, rules: DiscussionSettings) -> Verdict:
    """Where the comment goes, with the reason an editor sees in the moderation queue."""
    if submission.trusted:
        return Verdict(Comment.Status.APPROVED)
    if submission.bot_signals:
        return Verdict(Comment.Status.SPAM, "; ".join(submission.bot_signals))
    haystack = submission.haystack()
    if blocked := first_match(rules.blocklist_entries(), haystack):
        return Verdict(Comment.Status.SPAM, f"matches the blocklist: “{blocked}”")
    return hold_reason(submission, rules, haystack)


def hold_reason(submission: Submission, rules: DiscussionSettings, haystack: str) -> Verdict:
    if word := first_match(rules.moderation_word_list(), haystack):
        return Verdict(Comment.Status.PENDING, f"contains the moderation word “{word}”")
    links = link_count(submission.text)
    if links > rules.hold_link_count:
        return Verdict(Comment.Status.PENDING, f"has {links} links")
    if rules.approval == DiscussionSettings.Approval.ALL:
        return Verdict(Comment.Status.PENDING, "every comment is approved by hand")
    if rules.approval == DiscussionSettings.Approval.FIRST_TIME and not (
        submission.previously_approved
    ):
        return Verdict(Comment.Status.PENDING, "first comment from this address")
    return Verdict(Comment.Status.APPROVED)
