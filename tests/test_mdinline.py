"""Inline Markdown read back: links found where markdown-it finds them, repairs only in URLs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from speechlm_bib.adopt.repairs import repair_cell, repair_links, repair_url
from speechlm_bib.adopt.scan import split_row
from speechlm_bib.mdinline import checked_links, find_links, plain_text

plain = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs"),
                              include_characters=".,;:!?'\"()-/"), max_size=15)
label = st.text(st.characters(codec="utf-8", categories=("L", "N"), include_characters=" -"),
                min_size=1, max_size=12).filter(lambda s: s.strip() == s and s != "")
url = st.builds(lambda scheme, host, path: f"{scheme}://{host}/{path}",
                st.sampled_from(["http", "https"]),
                st.sampled_from(["arxiv.org/abs", "github.com", "example.org", "x.github.io"]),
                st.from_regex(r"[A-Za-z0-9._~-]{1,12}(\?utm_source=a&id=1)?", fullmatch=True))


@given(st.lists(st.tuples(plain, label, url), min_size=1, max_size=4), plain)
def test_links_between_text_are_found_as_markdown_it_reads_them(
        parts: list[tuple[str, str, str]], tail: str) -> None:
    cell = "".join(f"{text} [{name}]({target})" for text, name, target in parts) + " " + tail
    links = checked_links(cell)
    assert links is not None
    inline = [link for link in links if link.kind == "inline"]
    assert [(link.label, link.url) for link in inline] == [(n, t) for _, n, t in parts]
    assert all(cell[link.url_start:link.url_end] == link.url for link in links)
    # What Markdown shows of a label: its words, a run of spaces shown as one.
    assert all(" ".join(name.split()) in plain_text(cell) for _, name, _ in parts)


@given(st.lists(st.tuples(plain, label, url), min_size=1, max_size=4))
def test_repairs_change_link_targets_and_nothing_else(parts: list[tuple[str, str, str]]) -> None:
    cell = "".join(f"{text} [{name}]({target})" for text, name, target in parts)
    fixed, repairs = repair_links(cell)
    expected = "".join(f"{text} [{name}]({repair_url(target)[0]})" for text, name, target in parts)
    assert fixed == expected
    https = [r for r in repairs if r.kind == "https"]
    assert all(r.after == "https" + r.before[4:] for r in https)
    assert len(https) == sum(1 for _, _, t in parts
                             if t.startswith("http://") and "example.org" not in t)
    assert repair_links(fixed) == (fixed, [])


def test_mojibake_is_repaired_and_reported() -> None:
    fixed, repairs = repair_cell("ÁêÜÊÉ≥ÂêåÂ≠¶MindGPT [Link](http://arxiv.org/abs/2410.00037v2)")
    assert fixed == "理想同学MindGPT [Link](https://arxiv.org/abs/2410.00037)"
    assert [r.kind for r in repairs] == ["mojibake", "version-pin", "https"]


def test_code_spans_images_and_html_hold_no_links() -> None:
    cell = "`[a](https://x.org)` ![i](https://img.org/i.png) <a href=\"https://y.org\">y</a>"
    assert find_links(cell) == ()
    assert plain_text(cell) == "[a](https://x.org) i y"


def test_pipes_escaped_in_cells_stay_in_their_cell() -> None:
    assert split_row(r"| a \| b | [c](https://x.org/a|b) |") == (r"a \| b", "[c](https://x.org/a",
                                                                 "b)")
    assert split_row("| a | |") == ("a", "")
