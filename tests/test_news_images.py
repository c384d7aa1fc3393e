"""The e-news image library: the team uploads a picture with the words that say what it shows, pastes the
Markdown the library offers into an issue, and every reader's mail shows it at the mail's width from the
public site; nothing the camera wrote in the file reaches the public; a picture without words is refused."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from PIL import Image

from nmg_ops.extensions import db
from nmg_ops.models import NewsEdition, NewsImage, NewsSectionKind
from nmg_ops.news import drafting, images, rendering
from tests.fixtures.factories import PASSWORD
from tests.test_news_languages import _editor


def _photo(width: int = 3000, height: int = 2000, **save) -> bytes:
    """A camera's JPEG: sideways (orientation 6) and with the place it was taken."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° to show upright
    exif[0x8825] = {2: (45.0, 26.0, 15.0), 1: "N", 4: (12.0, 20.0, 0.0), 3: "E"}  # GPS: Venice
    exif[0x010F] = "CameraMaker"
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG", exif=exif, **save)
    return out.getvalue()


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 90, 160, 128)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def team(client, people):
    assert client.post("/sign-in", data={"email": "ct@example.org", "password": PASSWORD}).status_code == 302
    return client


def _upload(client, data: bytes, alt: str, name: str = "photo.jpg"):
    return client.post(
        "/news/images",
        data={"file": (io.BytesIO(data), name), "alt": alt},
        content_type="multipart/form-data",
    )


def test_a_photo_is_stored_upright_at_the_mail_s_width_without_its_camera_data(app, team):
    response = _upload(team, _photo(), "The members at the kick-off in Rome")
    assert response.status_code == 302
    image = db.session.scalars(sa.select(NewsImage)).one()
    library = team.get("/news/images").get_data(as_text=True)
    assert "The members at the kick-off in Rome" in library
    assert re.search(r"!\[The members at the kick-off in Rome\]\(/news/images/[\w-]+\.jpg\)", library)

    served = app.test_client().get(images.path(image))  # anyone: mail apps do not sign in
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in served.headers["Cache-Control"]
    picture = Image.open(io.BytesIO(served.data))
    # Turned as the camera said, then made 1104 pixels wide: 3000 × 2000 sideways is 2000 × 3000 upright.
    assert picture.size == (1104, 1656)
    assert not picture.getexif(), "no place, camera or orientation left in the public file"
    assert b"CameraMaker" not in served.data


def test_a_picture_without_words_or_that_is_no_picture_is_refused_and_nothing_is_kept(app, team):
    no_words = _upload(team, _png(100, 50), "   ")
    assert no_words.status_code == 422
    assert "This field is required." in no_words.get_data(as_text=True)
    not_a_picture = _upload(team, b"%PDF-1.7 not a picture %%EOF", "A document", "cover.png")
    assert not_a_picture.status_code == 422
    assert "This file is not a PNG, JPEG or GIF picture" in not_a_picture.get_data(as_text=True)
    svg = _upload(
        team, b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "Logo", "l.svg"
    )
    assert svg.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NewsImage)) == 0


def test_a_picture_declaring_more_pixels_than_any_mail_needs_is_refused_before_it_is_decoded(app, team):
    # 20,000 × 20,000 pixels of one colour pack into a small PNG and would take 1.6 GB decoded.
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG", optimize=True)
    assert len(out.getvalue()) < images.UPLOAD_MAX
    refused = _upload(team, out.getvalue(), "A white square", "big.png")
    assert refused.status_code == 422
    assert "more than 40 million pixels" in refused.get_data(as_text=True)


def test_a_file_too_large_for_the_library_is_told_on_the_form(app, team, monkeypatch):
    monkeypatch.setattr(images, "UPLOAD_MAX", 4096)
    refused = _upload(team, _png(200, 200) + b"\0" * 4096, "Big", "big.png")
    assert refused.status_code == 422
    assert "This file is larger than 4 KB, the largest picture taken." in refused.get_data(as_text=True)
    # Beyond what any request may carry, the request is refused before it is read, with the same words.
    app.config["MAX_CONTENT_LENGTH"] = 8192
    refused = _upload(team, b"\0" * 10_000, "Bigger", "big.png")
    assert refused.status_code == 413
    assert "This file is larger than 4 KB, the largest picture taken." in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NewsImage)) == 0


def test_the_mail_shows_the_library_picture_at_the_column_width_with_its_words(app, team):
    assert _upload(team, _png(1600, 800), "The partnership's map of calls").status_code == 302
    image = db.session.scalars(sa.select(NewsImage)).one()
    issue = drafting.draft_issue(date(2026, 12, 1))
    editorial = next(s for s in issue.sections if s.kind is NewsSectionKind.EDITORIAL)
    editorial.body = f"The calls of the year:\n\n{images.markdown(image)}"
    db.session.commit()
    mail = rendering.render(issue, NewsEdition.PUBLIC, "en").html
    tag = re.search(r"<img[^>]*news/images/[^>]*>", mail).group(0)
    assert f'src="{images.public_url(image)}"' in tag
    assert 'alt="The partnership\'s map of calls"' in tag or 'alt="The partnership&#39;s map of calls"' in tag
    # Outlook on Windows reads the attributes, not the CSS: the picture fits the 552-pixel column.
    assert 'width="552"' in tag and 'height="276"' in tag
    page = app.test_client().get(f"/news/issues/{issue.id}")
    assert page.status_code in (302, 403)  # the editor is the team's; the public reads the archive


def test_the_editor_refuses_a_picture_without_words_in_any_language(app, team):
    issue = drafting.draft_issue(date(2026, 12, 1))
    db.session.commit()
    data = _editor(team, issue)
    body = next(name for name in data if re.fullmatch(r"sections-0-body", name))
    data[body] = "Look: ![](https://www.thcspartnership.eu/logo.png)"
    refused = team.post(f"/news/issues/{issue.id}", data=data)
    assert refused.status_code == 422
    assert "Every picture needs words for readers who cannot see it" in refused.get_data(as_text=True)
    data[body] = "Look: ![The THCS logo](https://www.thcspartnership.eu/logo.png)"
    assert team.post(f"/news/issues/{issue.id}", data=data).status_code == 302


def test_a_picture_an_issue_shows_stays_until_the_issue_no_longer_shows_it(app, team):
    assert _upload(team, _png(400, 300), "Logo of the group").status_code == 302
    image = db.session.scalars(sa.select(NewsImage)).one()
    address = images.path(image)
    issue = drafting.draft_issue(date(2026, 12, 1))
    issue.sections[0].body = images.markdown(image)
    db.session.commit()
    kept = team.post(f"/news/images/{image.id}/remove", follow_redirects=True)
    assert "show this picture; take it out of their text first" in kept.get_data(as_text=True)
    assert app.test_client().get(images.path(image)).status_code == 200
    issue.sections[0].body = "No picture now."
    db.session.commit()
    gone = team.post(f"/news/images/{image.id}/remove", follow_redirects=True)
    assert "Picture removed from the library." in gone.get_data(as_text=True)
    assert app.test_client().get(address).status_code == 404


def test_a_picture_is_found_only_by_its_whole_address(app, team):
    assert _upload(team, _png(40, 30), "A dot").status_code == 302
    image = db.session.scalars(sa.select(NewsImage)).one()
    visitor = app.test_client()
    assert visitor.get(images.path(image).replace(".png", ".jpg")).status_code == 404
    assert visitor.get(f"/news/images/{image.id}.png").status_code == 404
    assert visitor.get("/news/images").status_code == 302  # the library's list is the team's
