// parse_client_request and NUL bytes: RapidJSON reads a NUL as the end of
// input, so bytes after one would otherwise be ignored silently.
#include <gtest/gtest.h>

#include <string>

#include "mqttws/client_request.hpp"

namespace mqttws {
namespace {

using namespace std::string_literals;

TEST(ClientRequestNul, ValidJsonThenNulIsRefused) {
    // Without the NUL, each of these would be accepted...
    ASSERT_TRUE(std::holds_alternative<ClientRequest>(parse_client_request(R"({"op":"ping"})")));
    // ...with one after the JSON, none is.
    for (const std::string& frame :
         {"{\"op\":\"ping\"}\0"s, "{\"op\":\"ping\",\"id\":1}\0garbage"s, "{\"op\":\"ping\"} \0 "s,
          "{\"op\":\"ping\"}\0{\"op\":\"subscribe\"}"s,
          "{\"op\":\"publish\",\"topic\":\"t\",\"payload\":\"x\"}\0\0"s}) {
        const auto result = parse_client_request(frame);
        const auto* error = std::get_if<RequestError>(&result);
        ASSERT_NE(error, nullptr) << "accepted " << ::testing::PrintToString(frame);
        EXPECT_EQ(error->code, error_code::bad_json) << ::testing::PrintToString(frame);
        EXPECT_EQ(error->id_json, "null");
        EXPECT_FALSE(error->message.empty());
    }
}

TEST(ClientRequestNul, EscapedNulInsideAStringIsFine) {
    const auto result =
        parse_client_request(R"({"op":"publish","id":2,"topic":"t","payload":"a\u0000b"})");
    const auto* request = std::get_if<ClientRequest>(&result);
    ASSERT_NE(request, nullptr);
    EXPECT_EQ(request->publish.payload, "a\0b"s);
    EXPECT_EQ(request->id_json, "2");
}

}  // namespace
}  // namespace mqttws
