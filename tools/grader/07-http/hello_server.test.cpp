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
