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
