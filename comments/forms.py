import time

from django import forms
from django.conf import settings
from django.forms.renderers import BaseRenderer, get_default_renderer
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.forms import XtdCommentForm

from blog.links import validate_web_url
from comments.models import Comment

COMMENT_MAX_LENGTH = 5000
NAME_MAX_LENGTH = 50  # django-comments' user_name column
# django-comments' user_email column, and what SMTP can deliver to (RFC 5321 § 4.5.3.1.3);
# Django's EmailField alone lets 320 through, which the column refuses once the link is used.
EMAIL_MAX_LENGTH = 254
DUPLICATE = _("Duplicate comment detected; it looks as though you’ve already said that!")
GONE = _("The comment you are replying to is no longer available.")


class WidgetMemo(BaseRenderer):
    """The default form renderer, remembering the HTML of each widget it drew.

    A widget's HTML depends on its template and context alone (name, value, attributes), and
    the comment form under every post draws the same empty fields: a template render per field
    cost about a tenth of the post page. At most MEMO_MAX different widgets are kept (the hidden
    time stamp and hash change every second); other renders (error lists) go straight through.
    """

    MEMO_MAX = 512

    def __init__(self):
        self.memo = {}

    def get_template(self, template_name):
        return get_default_renderer().get_template(template_name)

    def render(self, template_name, context, request=None):
        inner = get_default_renderer()
        if request is not None or set(context) != {"widget"}:
            return inner.render(template_name, context, request)
        key = (template_name, repr(context))
        html = self.memo.get(key)
        if html is None:
            if len(self.memo) >= self.MEMO_MAX:
                self.memo.clear()
            html = self.memo[key] = inner.render(template_name, context)
        return html


class CommentForm(XtdCommentForm):
    """xtd's form with WordPress's labels, length limits, and signs of a bot kept, not raised.

    The honeypot and the time taken are not errors here: a person could trip them (autofill,
    a pasted comment), so the comment is stored as spam for review instead of being refused.
    """

    default_renderer = WidgetMemo()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seconds_taken = None
        fields = self.fields
        fields["name"] = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
        fields["email"] = forms.EmailField(label=_("Email"), max_length=EMAIL_MAX_LENGTH)
        fields["url"] = forms.URLField(
            label=_("Website"), required=False, max_length=200, validators=[validate_web_url]
        )
        fields["comment"] = forms.CharField(
            label=_("Comment"),
            max_length=COMMENT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 6, "maxlength": COMMENT_MAX_LENGTH}),
        )
        fields["followup"].label = _("Notify me of follow-up comments by email.")
        fields["honeypot"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        fields["honeypot"].label = _("Leave this field empty")

    @classmethod
    def security_data(cls, target) -> dict[str, str]:
        """The hidden fields a form for target is drawn with (content_type, object_pk,
        timestamp, security_hash), as generate_security_data() makes them, without making the
        form (its fields are copied for each form)."""
        form = cls.__new__(cls)
        form.target_object = target
        return form.generate_security_data()

    def clean_honeypot(self):
        return self.cleaned_data["honeypot"]

    def clean_timestamp(self):
        timestamp = super().clean_timestamp()
        self.seconds_taken = time.time() - timestamp
        return timestamp

    def clean_comment(self):
        return self.cleaned_data["comment"].replace("\r\n", "\n")

    def clean_reply_to(self):
        parent_id = self.cleaned_data["reply_to"]
        if parent_id:
            visible = Comment.objects.public_for(self.target_object)
            if not visible.filter(pk=parent_id).exists():
                raise forms.ValidationError(GONE)
        return parent_id

    def clean(self):
        cleaned = super().clean()
        if self.is_duplicate(cleaned.get("email"), cleaned.get("comment")):
            raise forms.ValidationError(DUPLICATE, code="duplicate")
        return cleaned

    def is_duplicate(self, email, text):
        if not (email and text):
            return False
        earlier = Comment.objects.for_post(self.target_object).exclude(status=Comment.Status.TRASH)
        return earlier.filter(user_email__iexact=email, comment=text).exists()

    def bot_signals(self) -> list[str]:
        """Reasons to think a machine sent this; empty for a person taking their time."""
        signals = []
        if self.cleaned_data.get("honeypot"):
            signals.append("filled in the hidden field")
        minimum = settings.COMMENTS_MIN_SUBMIT_SECONDS
        if self.seconds_taken is not None and self.seconds_taken < minimum:
            signals.append(f"sent {self.seconds_taken:.0f} s after the form was shown")
        return signals
