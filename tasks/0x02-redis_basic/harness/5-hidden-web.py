#!/usr/bin/env python3
"""Task 5: get_page against a local page: fetched once, counted, cached for at most 10 s."""
import http.server
import threading

import redis

hits = []


class Page(http.server.BaseHTTPRequestHandler):
    """A page that counts how often it is fetched."""

    def do_GET(self):
        hits.append(self.path)
        body = "<html><body>page {}</body></html>".format(self.path).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = "http://127.0.0.1:{}/slow/1000".format(server.server_address[1])

local = redis.Redis()
local.flushdb()
get_page = __import__('web').get_page
first = get_page(url)
second = get_page(url)
as_text = [p.decode() if isinstance(p, bytes) else p for p in (first, second)]
print("returns the page:", as_text[0] == "<html><body>page /slow/1000</body></html>")
print("same page twice:", as_text[0] == as_text[1])
print("fetched once:", len(hits) == 1)
count = local.get("count:{}".format(url))
print("count:{url} recorded:", count is not None and int(count) in (1, 2))
ttls = [local.ttl(k) for k in local.keys() if k.decode() != "count:{}".format(url)]
print("cached for at most 10 s:", any(0 < t <= 10 for t in ttls))
server.shutdown()
