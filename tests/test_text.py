from nmg_ops.text import render_markdown


def test_markdown_renders_lists_links_and_tables():
    html = str(render_markdown("**Agenda**\n\n1. Welcome\n2. [THCS](https://www.thcspartnership.eu)\n"))
    assert "<strong>Agenda</strong>" in html
    assert "<ol>" in html
    assert 'href="https://www.thcspartnership.eu"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_markdown_shows_scripts_and_raw_html_as_text_and_drops_javascript_links():
    html = str(
        render_markdown(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))\n\n"
            '<a href="https://example.org" onclick="alert(4)">ok</a>'
        )
    )
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, "shown as typed, not run"
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "javascript:" not in html
    assert "onclick" not in html


def test_empty_text_renders_nothing():
    assert str(render_markdown(None)) == ""
    assert str(render_markdown("")) == ""
