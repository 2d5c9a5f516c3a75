"""Static HTML fragments: escaped, faithful to the component tree, and strict about props."""

from __future__ import annotations

import pytest
from dash import dcc, html

from dashboard.components.static_html import UnsupportedProp, holder, store_id, to_html


def test_a_table_is_written_with_its_attributes_and_text_escaped():
    table = html.Table([
        html.Caption("Incidents <by> \"state\" & year"),
        html.Tbody(html.Tr([html.Th("Germany", scope="row"),
                            html.Td(12, className="cov-l2", title='a "quoted" <b>tip</b>')],
                           **{"data-country": "DE", "aria-label": "row & more"})),
    ], id="t", className="data-table")
    assert to_html(table) == (
        '<table class="data-table" id="t"><caption>Incidents &lt;by&gt; &quot;state&quot; '
        '&amp; year</caption><tbody><tr aria-label="row &amp; more" data-country="DE">'
        '<th scope="row">Germany</th><td class="cov-l2" title="a &quot;quoted&quot; '
        '&lt;b&gt;tip&lt;/b&gt;">12</td></tr></tbody></table>')


@pytest.mark.parametrize("payload", [
    '<img src=x onerror="alert(1)">', "</td></tr></table><script>alert(1)</script>",
    "line one\n\nline two", "*not emphasis* [link](javascript:alert(1))",
])
def test_text_can_never_open_an_element_or_break_a_line(payload):
    out = to_html(html.Div([html.P(payload)], title=payload))
    assert out.count("<") == 4 and out.count(">") == 4  # only <div ...><p>...</p></div>
    assert "\n" not in out  # line breaks travel as character references


def test_lists_numbers_and_none_children():
    assert to_html([html.Span("a"), " b ", 3, None, html.Span(None)]) == (
        "<span>a</span> b 3<span></span>")


@pytest.mark.parametrize("component", [
    html.Button("go", id="b", n_clicks=1, style={"color": "red"}),
    html.A("x", href="javascript:alert(1)"),
    dcc.Link("x", href="/"),
])
def test_props_and_components_a_fragment_cannot_carry_are_refused(component):
    with pytest.raises(UnsupportedProp):
        to_html(component)


def test_a_holder_is_an_empty_div_beside_its_store():
    div, store = holder("coverage-panel", className="coverage", role="region")
    assert isinstance(div, html.Div) and isinstance(store, dcc.Store)
    assert div.children is None and div.className == "coverage" and div.role == "region"
    assert store.id == store_id("coverage-panel") == "coverage-panel-html"
