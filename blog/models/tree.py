"""What categories and pages share: a tree kept as a materialised path of slugs."""


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

    def path_taken(self, path):
        return type(self)._default_manager.exclude(pk=self.pk).filter(path=path).exists()

    @property
    def depth(self):
        return self.path.count("/")
