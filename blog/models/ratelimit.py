"""Rate-limit counters of the public forms and endpoints (see blog.ratelimit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """How often one client used one public form or endpoint in the current window (see
    blog.ratelimit). Kept in Postgres so every web process on every machine shares the count."""

    key = models.CharField(max_length=64, primary_key=True)  # sha256 of secret, scope and client
    hits = models.PositiveIntegerField(default=1)
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self):
        return f"{self.key[:12]}… {self.hits} until {self.expires:%H:%M:%S}"


class FailedLogin(models.Model):
    """A log-in that failed (wrong password, unknown name) or was refused for too many
    attempts; kept for editors to see in the admin (blog.logins)."""

    class Outcome(models.TextChoices):
        WRONG = "wrong", _("Wrong name or password")
        THROTTLED = "throttled", _("Refused: too many attempts")

    username = models.CharField(_("account name tried"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed log-in")
        verbose_name_plural = _("failed log-ins")
        ordering = ["-at"]
        indexes = [models.Index(fields=["username", "-at"], name="failed_login_user_idx")]

    def __str__(self):
        return f"{self.username or '?'} from {self.ip_address or '?'}"
