"""The tutorial's aiohttp server: GET /{name} answers "Hello, {name}".

    /usr/bin/python3 chapters/07-http/hello_name_server.py [PORT]

It binds 127.0.0.1 only (PORT, default 8080) and stops on Ctrl-C (SIGINT).
http_requests_per_second runs it with Debian's python3 and loads it as it
loads the C++ servers. Two corrections to the tutorial's version: the text
is "Hello, " with its space, and it is sent with web.Response(text=...), so
its Content-Type is text/plain; charset=utf-8 (body= bytes would be sent as
application/octet-stream).
"""
import sys

try:
    from aiohttp import web
except ImportError:
    print("missing: python3-aiohttp is not installed (Debian: apt-get install python3-aiohttp)")
    sys.exit(3)


async def handle(request):
    name = request.match_info.get("name", "Anonymous")
    text = "Hello, " + name
    return web.Response(text=text)


app = web.Application()
app.router.add_route("GET", "/{name}", handle)

if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    web.run_app(app, host="127.0.0.1", port=port, access_log=None)
