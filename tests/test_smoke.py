def test_sign_in_and_see_directory(client, people, sign_in):
    sign_in(people["member"])
    response = client.get("/members/")
    assert response.status_code == 200
