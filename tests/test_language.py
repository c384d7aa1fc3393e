def test_visitor_gets_the_browsers_language_else_the_default(client, app):
    italian = client.get("/sign-in", headers={"Accept-Language": "it-IT,it;q=0.9"})
    assert 'lang="it"' in italian.get_data(as_text=True)
    assert "Accedi" in italian.get_data(as_text=True)
    english = client.get("/sign-in", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert 'lang="en"' in english.get_data(as_text=True)
    assert "Sign in" in english.get_data(as_text=True)
    other = client.get("/sign-in", headers={"Accept-Language": "de-DE"})
    assert f'lang="{app.config["DEFAULT_LANGUAGE"]}"' in other.get_data(as_text=True)


def test_member_preference_wins_over_the_browser(client, make_member, sign_in):
    member = make_member(email="it@example.org", language="it")
    sign_in(member)
    page = client.get("/members/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="it"' in page
    assert "Membri" in page


def test_mail_goes_out_in_the_recipients_language(app, make_member, outbox):
    from nmg_ops.auth.services import send_invitation

    send_invitation(
        make_member(email="ita@example.org", full_name="Ida Italiana", language="it", password=False)
    )
    send_invitation(
        make_member(email="eng@example.org", full_name="Ed English", language="en", password=False)
    )
    italian, english = outbox()
    assert "Gentile Ida Italiana" in italian.get_body(preferencelist=("plain",)).get_content()
    assert "Dear Ed English" in english.get_body(preferencelist=("plain",)).get_content()
