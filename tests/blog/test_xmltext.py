import io

from defusedxml import ElementTree

from blog.xmltext import SafeAtomFeed, SafeRssFeed, XmlSafeWriter, xml_safe


def test_xml_safe_turns_a_vertical_tab_into_a_space():
    assert xml_safe("pasted from a PDF\x0bsecond line") == "pasted from a PDF second line"


def test_xml_safe_turns_a_form_feed_into_a_space():
    assert xml_safe("page one\x0cpage two") == "page one page two"


def test_xml_safe_drops_invisible_controls():
    assert xml_safe("Breaking\x1dnews\x00\x08\x1f") == "Breakingnews"


def test_xml_safe_drops_the_noncharacters_and_lone_surrogates():
    assert xml_safe("a\ufffeb\uffffc\ud800d") == "abcd"


def test_xml_safe_keeps_tabs_newlines_and_every_script():
    text = "Tab\there\r\nایران — 日本 — Ελλάδα 🗞️ \x85 \u200f"
    assert xml_safe(text) == text


def test_xml_safe_keeps_empty_text():
    assert xml_safe("") == ""


def test_rss_generator_writes_a_feed_with_control_characters_in_every_text():
    feed = SafeRssFeed(title="Site\x1d", link="/", description="Tag\x0bline")
    feed.add_item(
        title="Post\x01", link="/p/", description="Body\x0b", author_name="Ann\x02",
        categories=["Cat\x03"],
    )  # fmt: skip
    root = ElementTree.fromstring(feed.writeString("utf-8"))
    item = root.find("channel/item")
    assert (root.findtext("channel/title"), item.findtext("title")) == ("Site", "Post")
    assert (item.findtext("description"), item.findtext("category")) == ("Body ", "Cat")


def test_atom_generator_writes_a_feed_with_control_characters():
    feed = SafeAtomFeed(title="Site", link="/", description="", subtitle="Sub\x1d")
    feed.add_item(title="Post\x1dtitle", link="/p/", description="x", author_name="Ann\x02")
    root = ElementTree.fromstring(feed.writeString("utf-8"))
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.find(f"{atom}entry").findtext(f"{atom}title") == "Posttitle"


def test_writer_cleans_what_passes_through_it():
    out = io.StringIO()
    XmlSafeWriter(out).write("<t>a\x0bb\x1dc</t>")
    assert out.getvalue() == "<t>a bc</t>"
