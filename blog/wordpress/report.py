"""What an import did: counts per kind and outcome, and the lines an editor should read."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from blog.wordpress.blocks import not_rendered


@dataclass
class Report:
    """Counts of created/updated/skipped per kind, and problems: one line each, for people."""

    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    problems: list[str] = field(default_factory=list)
    # (what, limit, outcome) -> how many values did not fit their column
    unfit: Counter = field(default_factory=Counter)
    # post label -> what (e.g. "missing media") -> the things, in order, each once
    post_notes: dict[str, dict[str, dict]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict))
    )

    def add(self, kind, outcome):
        self.counts[kind][outcome] += 1

    def fit(self, value, limit, what):
        """value cut to the limit of its column, and counted for the report when it was cut.
        For names and titles, where the start of the text still names the thing."""
        if len(value) <= limit:
            return value
        self.unfit[(what, limit, "cut to fit")] += 1
        return value[:limit]

    def fit_or_drop(self, value, limit, what):
        """value, or "" (counted for the report) when it is longer than its column: for email
        and web addresses, which a cut would only make wrong."""
        if len(value) <= limit:
            return value
        self.unfit[(what, limit, "left out")] += 1
        return ""

    def not_stored(self, what, reason):
        """Count a value left out because its column cannot take it (reason says why)."""
        self.unfit[(what, None, reason)] += 1

    def note(self, post, what, thing):
        """Note something about one post for its line in the report: note(label, "missing
        media", "2019/03/photo.jpg") gives "<label>: missing media: 2019/03/photo.jpg"."""
        self.post_notes[post][what][thing] = None

    def close(self):
        """Add one line per post with notes, and one per kind of value that did not fit, to
        the problems."""
        for post, notes in self.post_notes.items():
            said = "; ".join(f"{what}: {', '.join(things)}" for what, things in notes.items())
            self.problems.append(f"{post}: {said}")
        self.post_notes.clear()
        for (what, limit, outcome), n in sorted(self.unfit.items(), key=str):
            size = f" longer than {limit} characters" if limit else ""
            self.problems.append(f"{n} × {what}{size}: {outcome}")
        self.unfit.clear()

    def table(self):
        lines = [f"{'':14}{'created':>9}{'updated':>9}{'skipped':>9}"]
        for kind in sorted(self.counts):
            row = self.counts[kind]
            lines.append(f"{kind:14}{row['created']:>9}{row['updated']:>9}{row['skipped']:>9}")
        return "\n".join(lines)

    def blocks_not_rendered(self, label, content):
        """A line naming the dynamic blocks of a post or page (label) that this blog does not
        draw (blog.wordpress.blocks.not_rendered): they are left out of its text."""
        names = not_rendered(content)
        if names:
            self.problems.append(f"{label}: dynamic blocks not rendered: {', '.join(names)}")
