// Http10Request: websocketpp's request parser, except that HTTP/1.0 without Host is parsed
// (with a placeholder Host) instead of refused, however the bytes are split across reads.
#include "ws/http10_request.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <websocketpp/http/constants.hpp>

namespace mqttws::ws {
namespace {

// Feeds `request` in reads of `step` bytes (the last may be shorter), as websocketpp does:
// each read from where the previous consume stopped. Returns the bytes left unconsumed.
std::string feed(Http10Request& parsed, const std::string& request, std::size_t step) {
    std::size_t offset = 0;
    while (offset < request.size() && !parsed.ready()) {
        const std::size_t n = std::min(step, request.size() - offset);
        offset += parsed.consume(request.data() + offset, n);
    }
    return request.substr(offset);
}

TEST(Http10Request, Http10WithoutHostGetsAPlaceholderHostAtAnySplit) {
    for (const std::string& request :
         {std::string("GET /healthz HTTP/1.0\r\n\r\n"),
          std::string("HEAD / HTTP/1.0\r\nUser-Agent: probe\r\nAccept: */*\r\n\r\n")}) {
        for (std::size_t step = 1; step <= request.size(); ++step) {
            Http10Request parsed;
            EXPECT_EQ(feed(parsed, request, step), "") << step;
            ASSERT_TRUE(parsed.ready()) << request << " in reads of " << step;
            EXPECT_EQ(parsed.get_header("Host"), Http10Request::placeholder_host);
            EXPECT_EQ(parsed.get_version(), "HTTP/1.0");
        }
    }
}

TEST(Http10Request, AHostGivenIsKept) {
    Http10Request parsed;
    feed(parsed, "GET / HTTP/1.0\r\nHost: bridge.test\r\n\r\n", 5);
    ASSERT_TRUE(parsed.ready());
    EXPECT_EQ(parsed.get_header("Host"), "bridge.test");
}

TEST(Http10Request, Http11WithoutHostIsStillRefused) {
    for (std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{256}}) {
        Http10Request parsed;
        try {
            feed(parsed, "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", step);
            ADD_FAILURE() << "parsed in reads of " << step;
        } catch (const websocketpp::http::exception& e) {
            EXPECT_EQ(e.m_error_code, websocketpp::http::status_code::bad_request);
        }
    }
}

TEST(Http10Request, BytesAfterTheHeadAreLeftForTheConnection) {
    Http10Request parsed;
    EXPECT_EQ(feed(parsed, "GET / HTTP/1.0\r\n\r\nnext", 256), "next");
    EXPECT_TRUE(parsed.ready());
}

}  // namespace
}  // namespace mqttws::ws
