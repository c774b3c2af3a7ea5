// Hidden tests for the hello_server exercise. A real cpp-httplib client
// talks to the learner's server on 127.0.0.1; raw bytes stand in for a
// broken client; /proc/net/tcp shows which address the server listens on.
#include "hello_server.hpp"

#include "http_testing.hpp"

#include <catch.hpp>

#include <httplib.h>

#include <stdexcept>
#include <string>

using workbook::http::HelloServer;
using workbook::http::HelloServerOptions;
using workbook::http::json_quoted;
using workbook::testing::listening_addresses;
using workbook::testing::raw_exchange;
using workbook::testing::RawConnection;
using workbook::testing::RefusingPort;

namespace {

httplib::Client client_for(const HelloServer& server) {
  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  return client;
}

} // namespace

TEST_CASE("GET hello slash name answers Hello comma name", "[hello_server]") {
  HelloServer server(HelloServerOptions{});
  server.start();
  auto client = client_for(server);
  for (const std::string name : {"world", "Ada_Lovelace-1815", "x"}) {
    const auto response = client.Get(("/hello/" + name).c_str());
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == "Hello, " + name);
    CHECK(response->get_header_value("Content-Type").rfind("text/plain", 0) == 0);
  }
}

TEST_CASE("json_quoted escapes quotes backslashes and control characters", "[hello_server]") {
  CHECK(json_quoted("plain") == R"("plain")");
  CHECK(json_quoted(R"(a"b\c)") == R"("a\"b\\c")");
  CHECK(json_quoted("line\nbreak\ttab") == R"("line\nbreak\ttab")");
  CHECK(json_quoted(std::string("nul\0bell\x07", 9)) == R"("nul\u0000bell\u0007")");
  INFO("bytes above 0x7f (UTF-8) pass through unchanged");
  CHECK(json_quoted("\xc3\xbc") == "\"\xc3\xbc\"");
  CHECK(json_quoted("\xe4\xb8\x96\xf0\x9f\x98\x80") == "\"\xe4\xb8\x96\xf0\x9f\x98\x80\"");
}

TEST_CASE("json_quoted replaces each byte that is not UTF-8 with U+FFFD", "[hello_server]") {
  INFO("JSON text is UTF-8 (RFC 8259 section 8.1): a byte outside a well-formed sequence becomes \\ufffd");
  CHECK(json_quoted("\xff\xfe") == R"("\ufffd\ufffd")");
  INFO("a sequence cut short, at the end or before an ASCII byte");
  CHECK(json_quoted("a\xc3") == R"("a\ufffd")");
  CHECK(json_quoted("\xe4\xb8x") == R"("\ufffd\ufffdx")");
  INFO("overlong forms, a surrogate, and a code point past U+10FFFF are not well-formed");
  CHECK(json_quoted("\xc0\xaf") == R"("\ufffd\ufffd")");
  CHECK(json_quoted("\xe0\x80\xaf") == R"("\ufffd\ufffd\ufffd")");
  CHECK(json_quoted("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");
  CHECK(json_quoted("\xf4\x90\x80\x80") == R"("\ufffd\ufffd\ufffd\ufffd")");
  INFO("a stray continuation byte between good ones");
  CHECK(json_quoted("\xc3\xbc\x80\xc3\xbc") == "\"\xc3\xbc\\ufffd\xc3\xbc\"");
}

TEST_CASE("the JSON endpoint greets by the name in the query", "[hello_server]") {
  HelloServer server(HelloServerOptions{});
  server.start();
  auto client = client_for(server);
  auto response = client.Get("/api/hello?name=world");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == R"({"greeting":"Hello, world"})");
  CHECK(response->get_header_value("Content-Type").rfind("application/json", 0) == 0);

  INFO("a name with a quote, a backslash and a control character must still give valid JSON");
  response = client.Get("/api/hello?name=a%22b%5Cc%01");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == R"({"greeting":"Hello, a\"b\\c\u0001"})");

  INFO("a name whose bytes are not UTF-8 must still give valid JSON, which is UTF-8");
  response = client.Get("/api/hello?name=%FF%FE");
  REQUIRE(response);
  CHECK(response->body == R"({"greeting":"Hello, \ufffd\ufffd"})");
}

TEST_CASE("the JSON endpoint without a name is a 400 with a JSON error", "[hello_server]") {
  HelloServer server(HelloServerOptions{});
  server.start();
  auto client = client_for(server);
  for (const char* target : {"/api/hello", "/api/hello?name=", "/api/hello?other=1"}) {
    INFO("GET " << target);
    const auto response = client.Get(target);
    REQUIRE(response);
    CHECK(response->status == 400);
    CHECK(response->get_header_value("Content-Type").rfind("application/json", 0) == 0);
    CHECK(response->body.find("\"error\"") != std::string::npos);
  }
}

TEST_CASE("unknown routes are 404", "[hello_server]") {
  HelloServer server(HelloServerOptions{});
  server.start();
  auto client = client_for(server);
  for (const char* target : {"/", "/hello", "/hello/", "/hello/a/b", "/nothing-here", "/api/hello/x"}) {
    INFO("GET " << target);
    const auto response = client.Get(target);
    REQUIRE(response);
    CHECK(response->status == 404);
  }
}

TEST_CASE("POST echo returns the body up to the cap and 413 beyond it", "[hello_server]") {
  HelloServer server(HelloServerOptions{.port = 0, .max_body_bytes = 1000});
  server.start();
  auto client = client_for(server);
  const std::string at_cap(1000, 'a');
  auto response = client.Post("/echo", at_cap, "text/plain");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == at_cap);

  response = client.Post("/echo", std::string(1001, 'b'), "text/plain");
  REQUIRE(response);
  INFO("1001 bytes against a cap of 1000");
  CHECK(response->status == 413);

  response = client.Post("/echo", std::string(5'000'000, 'c'), "text/plain");
  INFO("5 MB against a cap of 1000: 413 (or the connection closed), but never echoed");
  CHECK((!response || response->status == 413));

  INFO("the server still answers afterwards");
  auto fresh = client_for(server);
  response = fresh.Get("/hello/still-up");
  REQUIRE(response);
  CHECK(response->body == "Hello, still-up");
}

TEST_CASE("malformed requests get a 400 and the server survives them", "[hello_server]") {
  HelloServer server(HelloServerOptions{});
  server.start();
  for (const char* garbage : {"GARBAGE\r\n\r\n", "GET\r\n\r\n", "\x16\x03\x01\x02\x01\xfc\x03\x03\r\n\r\n"}) {
    const std::string reply = raw_exchange(server.port(), garbage);
    INFO("request " << garbage << " got the reply: " << reply);
    CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
  }
  auto client = client_for(server);
  const auto response = client.Get("/hello/after-garbage");
  REQUIRE(response);
  CHECK(response->body == "Hello, after-garbage");
}

TEST_CASE("it listens on the port asked for and on 127.0.0.1 only", "[hello_server]") {
  RefusingPort reserved;
  const int port = reserved.release();
  HelloServer server(HelloServerOptions{.port = port, .max_body_bytes = 1024});
  server.start();
  CHECK(server.port() == port);
  const auto addresses = listening_addresses(port);
  INFO("a server in a tutorial must not be reachable from other machines: bind 127.0.0.1, not 0.0.0.0");
  REQUIRE(addresses.size() == 1);
  CHECK(addresses[0] == "127.0.0.1");
  INFO("start() must return only once the socket listens: a client may connect at once");
  CHECK(raw_exchange(port, "GET /hello/first HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .find("Hello, first") != std::string::npos);
}

TEST_CASE("port 0 lets the system choose and port says which", "[hello_server]") {
  HelloServer server(HelloServerOptions{});
  server.start();
  REQUIRE(server.port() > 0);
  CHECK(listening_addresses(server.port()) == std::vector<std::string>{"127.0.0.1"});
}

TEST_CASE("a port already in use is reported as an error", "[hello_server]") {
  HelloServer first(HelloServerOptions{});
  first.start();
  HelloServer second(HelloServerOptions{.port = first.port(), .max_body_bytes = 1024});
  INFO("cpp-httplib reports a failed bind by its return value: it must not be ignored");
  CHECK_THROWS_AS(second.start(), std::runtime_error);
}

TEST_CASE("stop refuses new connections and the destructor stops a running server", "[hello_server]") {
  int port = 0;
  {
    HelloServer server(HelloServerOptions{});
    server.start();
    port = server.port();
    server.stop();
    INFO("after stop(), nothing listens on the port");
    CHECK(listening_addresses(port).empty());
    CHECK_THROWS_AS(raw_exchange(port, "GET /hello/x HTTP/1.1\r\nHost: x\r\n\r\n"), std::system_error);
    server.stop(); // twice is harmless
  }
  {
    HelloServer server(HelloServerOptions{});
    server.start();
    port = server.port();
  } // the destructor must stop and join, not hang or terminate
  CHECK(listening_addresses(port).empty());
  INFO("stop() right after start(), before the server thread got going, must not hang");
  for (int round = 0; round < 20; ++round) {
    HelloServer server(HelloServerOptions{});
    server.start();
    server.stop();
  }
}

namespace {

struct Refusal {
  std::string response;     // what the server answered first
  bool followed_up = false; // whether a GET sent after it on the same connection was answered too
};

// Sends `bytes`, reads one response, then sends `GET /hello/after` on the
// same connection: a server that closed after its answer does not answer
// that (a kept-alive connection would, long before any keep-alive timeout).
Refusal refusal_of(int port, const std::string& bytes) {
  RawConnection connection(port);
  connection.send(bytes);
  Refusal refusal;
  refusal.response = connection.read_response();
  connection.send("GET /hello/after HTTP/1.1\r\nHost: x\r\n\r\n");
  refusal.followed_up = connection.read_response().find("Hello, after") != std::string::npos;
  return refusal;
}

std::string chunked(const std::string& body) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", body.size());
  return size + body + "\r\n0\r\n\r\n";
}

} // namespace

TEST_CASE("the body cap holds for a chunked body", "[hello_server]") {
  HelloServer server(HelloServerOptions{.port = 0, .max_body_bytes = 1000});
  server.start();
  const std::string head = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string small =
      workbook::testing::raw_exchange(server.port(), head + chunked(std::string(500, 's')));
  INFO("a chunked body of 500 bytes against a cap of 1000 is echoed: " << small.substr(0, 200));
  CHECK(small.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(small.find(std::string(500, 's')) != std::string::npos);
  const std::string large =
      workbook::testing::raw_exchange(server.port(), head + chunked(std::string(2000, 'l')));
  INFO("a chunked body of 2000 bytes against a cap of 1000: cpp-httplib 0.11's set_payload_max_length does "
       "not count chunked bodies, so the cap must be checked as the body is read. Got: "
       << large.substr(0, 200));
  CHECK(large.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(large.find(std::string(1001, 'l')) == std::string::npos);
}

TEST_CASE("a request with both Content-Length and Transfer-Encoding is refused and the connection closed",
          "[hello_server]") {
  HelloServer server(HelloServerOptions{});
  server.start();
  // Framed by Content-Length, the 47 bytes of body hide a second request;
  // framed as chunked, the body ends at the 0 chunk and the request after
  // it is answered on its own: request smuggling.
  const std::string hidden = "GET /hello/SMUGGLED HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string body = "0\r\n\r\n" + hidden;
  const Refusal refusal = refusal_of(
      server.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
                         "\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
  INFO("RFC 9112 section 6.1: the server may reject such a request, and MUST close the connection after "
       "responding. Got: "
       << refusal.response);
  CHECK(refusal.response.rfind("HTTP/1.1 400", 0) == 0);
  CHECK(refusal.response.find("SMUGGLED") == std::string::npos);
  INFO("the connection stayed open after the refusal: a request sent next was answered");
  CHECK_FALSE(refusal.followed_up);
}

TEST_CASE("a Content-Length that is not digits only is refused and the connection closed", "[hello_server]") {
  HelloServer server(HelloServerOptions{});
  server.start();
  for (const std::string length : {"+5", "1e3", "5, 6", "-5", "0x5", "5\r\nContent-Length: 6"}) {
    const Refusal refusal = refusal_of(
        server.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\nhello");
    INFO("Content-Length: " << length
                            << " (RFC 9110 section 8.6: digits only; cpp-httplib 0.11 reads +5 as 5 "
                               "and 1e3 as 1). Got: "
                            << refusal.response);
    CHECK(refusal.response.rfind("HTTP/1.1 400", 0) == 0);
    CHECK_FALSE(refusal.followed_up);
  }
  INFO("whitespace around the value is not part of it: Content-Length with three spaces before 5 is 5");
  const std::string padded = workbook::testing::raw_exchange(
      server.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length:   5  \r\n\r\nhello");
  CHECK(padded.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(padded.find("\r\n\r\nhello") != std::string::npos);
}

TEST_CASE("an HTTP/1.1 request without exactly one Host is refused and the connection closed",
          "[hello_server]") {
  HelloServer server(HelloServerOptions{});
  server.start();
  for (const std::string hosts : {"", "Host: a\r\nHost: b\r\n"}) {
    const Refusal refusal = refusal_of(server.port(), "GET /hello/x HTTP/1.1\r\n" + hosts + "\r\n");
    INFO("RFC 9112 section 3.2: 400 for an HTTP/1.1 request with "
         << (hosts.empty() ? "no Host" : "two Hosts") << ". Got: " << refusal.response);
    CHECK(refusal.response.rfind("HTTP/1.1 400", 0) == 0);
    CHECK_FALSE(refusal.followed_up);
  }
}

TEST_CASE("a Content-Length over the cap is answered 413 and the connection closed", "[hello_server]") {
  HelloServer server(HelloServerOptions{.port = 0, .max_body_bytes = 1000});
  server.start();
  const Refusal refusal =
      refusal_of(server.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n");
  INFO("413 before the body is read: " << refusal.response);
  CHECK(refusal.response.rfind("HTTP/1.1 413", 0) == 0);
  INFO("the 2000 bytes the client may still send must not be read as requests: close after the 413 "
       "(cpp-httplib "
       "0.11 keeps the connection after its own)");
  CHECK_FALSE(refusal.followed_up);
}

TEST_CASE("a POST without Content-Length or Transfer-Encoding has an empty body answered at once",
          "[hello_server]") {
  HelloServer server(HelloServerOptions{});
  server.start();
  RawConnection connection(server.port());
  connection.send("POST /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string response = connection.read_response();
  INFO("RFC 9112 section 6.3: without either header a request's body is empty. cpp-httplib 0.11 waits for a "
       "body until its read timeout, then answers 400. Got: "
       << response);
  CHECK(response.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(response.find("Content-Length: 0\r\n") != std::string::npos);
  connection.send("GET /hello/next HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(connection.read_response().find("Hello, next") != std::string::npos);
}
