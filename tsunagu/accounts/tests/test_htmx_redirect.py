def test_an_expired_session_sends_htmx_to_the_login_page_as_a_whole_page(client, db):
    response = client.get("/people/", {"q": "たかはし"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_a_plain_request_still_gets_an_ordinary_redirect(client, db):
    response = client.get("/people/", {"q": "たかはし"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
