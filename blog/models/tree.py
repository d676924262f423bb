"""What categories and pages share: a tree kept as a materialised path of slugs."""

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _


class SlugTree:
    """Mixin for a model with `slug`, `parent` (to itself, related_name "children") and `path`,
    the slugs from the root down ("iran/nuclear"): one indexed column for addresses and
    descendants. Saving a node whose path changed saves its children, so theirs follow."""

    def path_for(self, slug):
        return f"{self.parent.path}/{slug}" if self.parent else slug

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = self.path_for(self.slug)
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()

    def filed_under_itself(self):
        """True when the chosen parent is this node or one of its descendants (a loop)."""
        ancestor = self.parent
        while ancestor is not None and self.pk is not None:
            if ancestor.pk == self.pk:
                return True
            ancestor = ancestor.parent
        return False

    def longest_path(self, slug):
        """The length of the longest path this node and its descendants would have with slug
        under the current parent (a move or a new slug changes every path below it too)."""
        new = len(self.path_for(slug))
        if not (self.pk and self.path):
            return new
        below = type(self)._default_manager.filter(path__startswith=f"{self.path}/")
        deepest = below.aggregate(deepest=Max(Length("path")))["deepest"]
        return new + (deepest - len(self.path) if deepest else 0)

    def check_path_length(self, slug):
        """Raise ValidationError (on the slug) when a path would not fit its column."""
        limit = type(self)._meta.get_field("path").max_length
        length = self.longest_path(slug)
        if length > limit:
            raise ValidationError({"slug": _(
                "The address would be %(length)d characters long (the parents’ slugs, this one "
                "and those filed below it); the limit is %(limit)d. Choose a shorter slug or "
                "a parent higher up."
            ) % {"length": length, "limit": limit}})  # fmt: skip

    def path_taken(self, path):
        return type(self)._default_manager.exclude(pk=self.pk).filter(path=path).exists()

    @property
    def depth(self):
        return self.path.count("/")
