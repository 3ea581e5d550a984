"""A small news site on 127.0.0.1 for the feed tests: an RSS feed, an Atom feed, article pages.

It answers conditional requests like a real server (ETag and Last-Modified), records every request
with its headers, and can be told to fail or to ignore conditional headers.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ARTICLES = {
    "/news/2026/05/18/bridges": (
        "Senator promises to rebuild every bridge",
        "Mon, 18 May 2026 14:05:00 GMT",
        [
            "WASHINGTON — Senator Jane Doe said on Tuesday that the bridge program would be expanded.",
            "“We will rebuild every bridge in this state before the decade is out,” Doe told reporters outside the Capitol.",
            "Her opponent, Governor John Smith, was less certain. “Promises are cheap, and concrete is expensive,” Smith said in a statement.",
            "The program costs about $4 billion a year according to budget office estimates published last spring.",
        ],
    ),
    "/news/2026/05/19/harbor": (
        "Port authority approves harbor dredging",
        "Tue, 19 May 2026 09:30:00 GMT",
        [
            "BALTIMORE — The port authority voted 5-2 on Monday to dredge the outer harbor channel.",
            "“This is the most important vote this board has taken in twenty years,” said chairwoman Maria Alvarez.",
            "Environmental groups objected. “Dredging will stir up decades of industrial sediment,” said Tom Becker, director of the Harbor Watch coalition.",
            "Work is expected to begin in the autumn and last eighteen months.",
        ],
    ),
}

NAV = "<nav><a href='/'>Home</a> | <a href='/world'>World</a> | <a href='/politics'>Politics</a> | <a href='/login'>Sign in</a></nav>"
FOOTER = "<footer><p>© 2026 Example Daily News. All rights reserved.</p><p>Subscribe to our newsletter for the latest updates.</p></footer>"


def article_html(path: str) -> str:
    title, _, paragraphs = ARTICLES[path]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} | Example Daily News</title></head>"
        f"<body>{NAV}<main><article><h1>{title}</h1><p class='byline'>By Pat Reporter</p>{body}</article>"
        f"<aside><h3>Most read</h3><ul><li>Ten recipes for summer</li><li>Weather: rain expected</li></ul></aside></main>"
        f"{FOOTER}</body></html>"
    )


def rss(base: str) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid isPermaLink='true'>{base}{path}</guid>"
        f"<pubDate>{date}</pubDate><author>desk@example.org (Pat Reporter)</author><description>{paras[0][:80]}</description></item>"
        for path, (title, date, paras) in sorted(ARTICLES.items(), reverse=True)
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>Example Daily News</title>"
        f"<link>{base}/</link><description>News from the example desk</description>{items}</channel></rss>"
    )


def atom(base: str) -> str:
    entries = "".join(
        f"<entry><title>{title}</title><link href='{base}{path}'/><id>tag:example.org,2026:{path}</id>"
        f"<updated>2026-05-19T10:00:00Z</updated><published>2026-05-19T09:30:00Z</published>"
        f"<author><name>Pat Reporter</name></author></entry>"
        for path, (title, _, _) in ARTICLES.items()
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>Example Atom Desk</title><id>tag:example.org,2026:feed</id><updated>2026-05-19T10:00:00Z</updated>{entries}</feed>"
    )


@dataclass
class Site:
    """Knobs and the request log of the running site."""

    base: str = ""
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    honour_conditional: bool = True
    fail_feed_with: int | None = None
    retry_after: str | None = None
    etag: str = '"feed-v1"'
    last_modified: str = format_datetime(datetime(2026, 5, 19, 10, 0, tzinfo=UTC), usegmt=True)

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


def start_site() -> tuple[ThreadingHTTPServer, Site]:
    site = Site()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            if self.path in ("/feed.xml", "/atom.xml"):
                self._feed()
            elif self.path in ARTICLES:
                self._send(200, article_html(self.path).encode(), "text/html; charset=utf-8")
            else:
                self._send(404, b"<h1>Not found</h1>", "text/html")

        def _feed(self) -> None:
            if site.fail_feed_with:
                extra = {"Retry-After": site.retry_after} if site.retry_after else {}
                self._send(site.fail_feed_with, b"busy", "text/plain", extra)
                return
            if site.honour_conditional and (
                self.headers.get("If-None-Match") == site.etag or self.headers.get("If-Modified-Since") == site.last_modified
            ):
                self._send(304, b"", None, {"ETag": site.etag})
                return
            body = rss(site.base) if self.path == "/feed.xml" else atom(site.base)
            kind = "application/rss+xml" if self.path == "/feed.xml" else "application/atom+xml"
            self._send(200, body.encode(), kind, {"ETag": site.etag, "Last-Modified": site.last_modified})

        def _send(self, status: int, body: bytes, kind: str | None, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, site
