"""Hypothesis strategies for the text real readers, editors and other sites send.

Text pasted from PDFs and word processors brings control characters (vertical tab, form feed,
U+001D), NUL, lone line and paragraph separators (U+2028, U+2029, NEL), right-to-left marks,
combining sequences and scripts of every kind; bots send very long values and broken URLs.
"""

from hypothesis import strategies as st

NASTY = [
    "\x00", "\x0b", "\x0c", "\x1d", "\x7f", "\x85", "\u2028", "\u2029", "\u200f", "\ufeff",
    "\ufffe", "\r\n", "\r", "\t", "\U0001f600", "ا", "ß", "İ", "\u0301", "<", "&", "%00", "%",
]  # fmt: skip

# Any character UTF-8 can carry (no lone surrogates: a browser cannot send those).
characters = st.characters(exclude_categories=("Cs",))
nasty = st.sampled_from(NASTY)

text = st.lists(st.one_of(characters, nasty), max_size=60).map("".join)
long_text = st.integers(min_value=150, max_value=3000).flatmap(
    lambda n: st.one_of(characters, nasty).map(lambda c: (c * n)[:n])
)
any_text = st.one_of(text, long_text)

url_like = st.one_of(
    any_text,
    st.builds(lambda host, path: f"http://{host}/{path}", any_text, any_text),
    st.sampled_from(
        [
            "http://[::1/x",
            "http://127.0.0.1:99999/x",
            "https://",
            "http://exa mple.com/",
            "javascript:alert(1)",
            "//example.com/",
            "http://example.com/\x00",
            "ftp://example.com/",
            "http://xn--/",
            "http://ex\u2028ample.com/",
            "https://例え.テスト/パス",
            "http://[::ffff:1.2.3.4]/",
        ]
    ),  # fmt: skip
)
