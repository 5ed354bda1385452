#!/usr/bin/env python3
"""Runs the learner's main.py against the learner's own service, as the
task says ("query your web server"): starts `python3 app.py`, waits until
port 5000 answers, runs `python3 main.py` and exits with its code."""
import socket
import subprocess
import sys
import time

server = subprocess.Popen([sys.executable, "app.py"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
deadline = time.monotonic() + 45
while True:
    try:
        socket.create_connection(("127.0.0.1", 5000), timeout=1).close()
        break
    except OSError:
        if server.poll() is not None or time.monotonic() > deadline:
            sys.stderr.write(server.stderr.read().decode(errors="replace")
                             if server.poll() is not None else "")
            sys.exit("app.py did not listen on port 5000")
        time.sleep(0.2)
code = subprocess.call([sys.executable, "main.py"])
server.terminate()
sys.exit(code)
