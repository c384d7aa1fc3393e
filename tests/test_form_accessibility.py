"""A form sent back with errors tells a screen reader what went wrong, and where."""

import re
from html.parser import HTMLParser


class Elements(HTMLParser):
    """Every element of a page with an id, and the text inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}
        self.text: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.by_id[attributes["id"]] = attributes
            self.text[attributes["id"]] = ""
        if tag not in {"input", "br", "hr", "img", "meta", "link"}:
            self._open.append(attributes.get("id") or "")

    def handle_endtag(self, tag):
        if tag not in {"input", "br", "hr", "img", "meta", "link"} and self._open:
            self._open.pop()

    def handle_data(self, data):
        for element in self._open:
            if element:
                self.text[element] += data


def parse(html: str) -> Elements:
    elements = Elements()
    elements.feed(html)
    return elements


def descriptions(page: Elements, control: str) -> list[str]:
    ids = (page.by_id[control].get("aria-describedby") or "").split()
    return [" ".join(page.text[i].split()) for i in ids]


def test_an_invalid_field_names_its_error_and_its_help_text(client, people, sign_in):
    sign_in(people["coordinator"])
    response = client.post(
        "/members/new", data={"full_name": "", "email": "not an address", "joined_on": "x"}
    )
    html = response.get_data(as_text=True)
    page = parse(html)

    name = page.by_id["full_name"]
    assert name["aria-invalid"] == "true"
    assert descriptions(page, "full_name") == ["This field is required."]

    joined = page.by_id["joined_on"]
    assert joined["aria-invalid"] == "true"
    error, help_text = descriptions(page, "joined_on")
    assert error and help_text == "Empty means today."

    assert "aria-invalid" not in page.by_id["position"], "a valid field is not marked"


def test_the_errors_are_summed_up_first_as_an_alert_linking_to_each_field(client, people, sign_in):
    sign_in(people["coordinator"])
    html = client.post("/members/new", data={"full_name": "", "email": ""}).get_data(as_text=True)
    page = parse(html)
    assert re.search(r"<title>Error: ", html)
    summary = page.by_id["form-problems"]
    assert summary["role"] == "alert"
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', html[html.index('id="form-problems"') :])
    assert ("full_name", "Full name: This field is required.") in links
    assert all(target in page.by_id for target, _text in links)


def test_a_page_without_errors_has_no_summary(client, people, sign_in):
    sign_in(people["coordinator"])
    html = client.get("/members/new").get_data(as_text=True)
    assert 'id="form-problems"' not in html and "aria-invalid" not in html
    assert not re.search(r"<title>Error: ", html)


def test_a_field_labelled_by_a_sentence_is_summed_up_by_its_short_name(client):
    html = client.post("/news/subscribe", data={"email": "reader@example.org", "language": "en"}).get_data(
        as_text=True
    )
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', html[html.index('id="form-problems"') :])
    assert ("consent", "Consent: Tick the box to subscribe.") in links
    assert ".:" not in html
