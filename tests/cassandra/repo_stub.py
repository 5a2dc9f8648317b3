#!/usr/bin/env python3
"""A Maven repository stand-in on 127.0.0.1 for the resolve decision's test.

    repo_stub.py ROOT LOG

Serves the files under ROOT (GET and HEAD) and answers 404 to everything
else, the repository's root URL included, as Maven Central does. Each
request's path is appended to LOG. Prints the port it listens on, then
serves until killed (at most 10 minutes).
"""
import http.server
import os
import sys
import threading

root, log = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self, body: bool) -> None:
        with open(log, "a") as f:
            f.write(self.path + "\n")
        path = os.path.realpath(os.path.join(root, self.path.split("?")[0].lstrip("/")))
        if self.path.rstrip("/") == "" or not path.startswith(os.path.realpath(root) + os.sep) \
                or not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_GET(self) -> None:
        self._answer(True)

    def do_HEAD(self) -> None:
        self._answer(False)

    def log_message(self, *args) -> None:
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Timer(600, server.shutdown).start()
server.serve_forever()
