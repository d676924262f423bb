"""The load generator both web benchmarks use: wrk when installed, else Python processes.

Every request goes to 127.0.0.1 with a browser's User-Agent (so visitor counting treats it as
a reader), each loop bounded in time.
"""

import http.client
import multiprocessing
import re
import shutil
import subprocess
import time

AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


def wait_until_up(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn on port {port} did not answer in time")


def _headers(cookie):
    return {"User-Agent": AGENT, **({"Cookie": cookie} if cookie else {})}


def _client(port, path, seconds, counter, cookie=None):
    done, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path, headers=_headers(cookie))
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        conn.close()
        done += 1
    with counter.get_lock():
        counter.value += done


def python_load(port, path, seconds, connections, cookie=None):
    """(requests/second, requests answered) from processes of Python's http.client."""
    counter = multiprocessing.Value("i", 0)
    procs = [
        multiprocessing.Process(target=_client, args=(port, path, seconds, counter, cookie))
        for _ in range(connections)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    return counter.value / seconds, counter.value


def wrk_load(port, path, seconds, connections, cookie=None):
    """(requests/second, requests answered) as wrk reports them."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
         *(f"-H{name}: {value}" for name, value in _headers(cookie).items()),
         f"http://127.0.0.1:{port}{path}"],
        check=True, text=True, capture_output=True,
    ).stdout  # fmt: skip
    if "Non-2xx" in out:
        raise SystemExit(f"{path} gave errors under load:\n{out}")
    answered = int(re.search(r"(\d+) requests in", out).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), answered


def load(port, path, seconds, connections, cookie=None):
    """Requests/second that path sustains for the given seconds and connections (with a
    Cookie header when given: a reader the page cache does not serve)."""
    return load_counted(port, path, seconds, connections, cookie)[0]


def load_counted(port, path, seconds, connections, cookie=None):
    """(requests/second, requests answered): load() and how many answers it counted."""
    run = wrk_load if shutil.which("wrk") else python_load
    return run(port, path, seconds, connections, cookie)


def generator_name():
    return "wrk" if shutil.which("wrk") else "python"
