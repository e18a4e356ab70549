"""The site layout's links (templates/base.html): built once per script root and kept, still right under a prefix."""

from __future__ import annotations

import re

from flask import Flask, url_for
from flask.testing import FlaskClient

LINK = re.compile(r'(?:href|src|action)="([^"]+)"')


def _layout_links(page: str) -> list[str]:
    header = page.split("<main", 1)[0]
    return LINK.findall(header)


def test_layout_links_are_those_url_for_builds_under_each_script_root(app: Flask, client: FlaskClient):
    """The kept links are url_for's, and a page served under another script root (a reverse proxy's prefix)
    gets that root's links, not the ones kept for the first."""
    for root in ("", "/learn", "", "/learn"):
        page = client.get("/", base_url=f"http://localhost{root}").get_data(as_text=True)
        with app.test_request_context("/", base_url=f"http://localhost{root}"):
            expected = [url_for("static", filename="style.css"), url_for("static", filename="theme.js"),
                        url_for("static", filename="app.js"), url_for("main.index"), url_for("quiz.start"),
                        url_for("cards.index"), url_for("progress.index"), url_for("progress.leaderboards"),
                        url_for("search.results"), url_for("auth.login"), url_for("auth.register")]
        links = [link for link in _layout_links(page) if link != "#main"]
        assert links == expected
        assert all(link.startswith(f"{root}/") for link in links)


def test_a_logged_in_layout_links_the_account_pages(app: Flask, client: FlaskClient, auth):
    client.get("/")  # the logged-out links are kept first
    auth.register()
    auth.login()
    links = _layout_links(client.get("/").get_data(as_text=True))
    with app.test_request_context("/"):
        account, guest = [url_for("auth.profile"), url_for("auth.logout")], url_for("auth.login")
    assert all(link in links for link in account) and guest not in links
