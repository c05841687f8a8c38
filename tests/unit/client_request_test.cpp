// The protocol-mode request parser, mostly on malformed input: every frame
// yields a request or an error with a code, never a crash.
#include "mqttws/client_request.hpp"

#include <gtest/gtest.h>

#include <string>

#include "mqttws/base64.hpp"

namespace mqttws {
namespace {

using namespace std::string_literals;

ClientRequest ok(std::string_view frame) {
    auto result = parse_client_request(frame);
    if (auto* error = std::get_if<RequestError>(&result)) {
        ADD_FAILURE() << "refused " << frame << ": " << error->code << ": " << error->message;
        return {};
    }
    return std::get<ClientRequest>(std::move(result));
}

RequestError error(std::string_view frame) {
    auto result = parse_client_request(frame);
    if (!std::holds_alternative<RequestError>(result)) {
        ADD_FAILURE() << "accepted " << frame;
        return {};
    }
    return std::get<RequestError>(std::move(result));
}

void expect_error(std::string_view frame, std::string_view code, std::string_view id_json) {
    const RequestError e = error(frame);
    EXPECT_EQ(e.code, code) << frame;
    EXPECT_EQ(e.id_json, id_json) << frame;
    EXPECT_FALSE(e.message.empty()) << frame;
}

// ------------------------------------------------------------ malformed frames

TEST(ClientRequestMalformed, NotJson) {
    for (const std::string& frame :
         {""s, " "s, "hello"s, "{"s, "}"s, "{op:\"ping\"}"s, "{'op':'ping'}"s,
          "{\"op\":\"ping\",}"s, "{\"op\":\"ping\"} x"s, "{\"op\":\"ping\"}{}"s, "\0"s,
          "{\"op\":\"ping\"\0}"s, "NaN"s}) {
        expect_error(frame, error_code::bad_json, "null");
    }
}

TEST(ClientRequestMalformed, Truncated) {
    const std::string full = R"({"op":"publish","id":1,"topic":"a/b","payload":{"x":[1,2]}})";
    ASSERT_EQ(ok(full).op, RequestOp::publish);
    for (std::size_t len = 0; len < full.size(); ++len) {
        expect_error(full.substr(0, len), error_code::bad_json, "null");
    }
}

TEST(ClientRequestMalformed, InvalidUtf8) {
    expect_error("{\"op\":\"ping\",\"id\":\"\xff\"}"s, error_code::bad_json, "null");
    expect_error("{\"op\":\"publish\",\"topic\":\"a\",\"payload\":\"\xc3\x28\"}"s,
                 error_code::bad_json, "null");
    expect_error("{\"op\":\"ping\",\"\xed\xa0\x80\":1}"s, error_code::bad_json, "null");
}

TEST(ClientRequestMalformed, TopLevelMustBeAnObject) {
    for (const char* frame :
         {"[]", "[{\"op\":\"ping\"}]", "\"ping\"", "42", "-1.5", "true", "false", "null"}) {
        expect_error(frame, error_code::bad_request, "null");
    }
}

TEST(ClientRequestMalformed, MissingOrNonStringOp) {
    expect_error("{}", error_code::bad_request, "null");
    expect_error(R"({"id":4})", error_code::bad_request, "4");
    expect_error(R"({"id":4,"op":1})", error_code::bad_request, "4");
    expect_error(R"({"id":4,"op":null})", error_code::bad_request, "4");
    expect_error(R"({"id":4,"op":["ping"]})", error_code::bad_request, "4");
    expect_error(R"({"id":4,"OP":"ping"})", error_code::bad_request, "4");
}

TEST(ClientRequestMalformed, UnknownOp) {
    const RequestError e = error(R"({"op":"explode","id":9})");
    EXPECT_EQ(e.code, error_code::unknown_op);
    EXPECT_EQ(e.id_json, "9");
    EXPECT_NE(e.message.find("explode"), std::string::npos) << e.message;
    expect_error(R"({"op":"Ping","id":9})", error_code::unknown_op, "9");
    expect_error(R"({"op":"","id":9})", error_code::unknown_op, "9");
}

TEST(ClientRequestMalformed, DeepNestingIsRefusedWithoutCrashing) {
    for (int depth : {33, 100, 1000, 100000}) {
        const std::string arrays =
            "{\"op\":\"ping\",\"x\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
        expect_error(arrays, error_code::bad_json, "null");
        std::string objects = "{\"op\":\"ping\",\"x\":";
        for (int i = 0; i < depth; ++i) objects += "{\"a\":";
        objects += "1";
        objects += std::string(depth, '}') + "}";
        expect_error(objects, error_code::bad_json, "null");
        // Unclosed, as an attacker would send it.
        expect_error(std::string(depth, '['), error_code::bad_json, "null");
    }
}

TEST(ClientRequestMalformed, NestingUpToTheLimitIsAccepted) {
    // The request object itself is one level.
    const int inner = max_request_depth - 1;
    const std::string frame = R"({"op":"publish","topic":"a","payload":)" +
                              std::string(inner, '[') + std::string(inner, ']') + "}";
    const ClientRequest r = ok(frame);
    EXPECT_EQ(r.publish.payload, std::string(inner, '[') + std::string(inner, ']'));
    const std::string one_more = R"({"op":"publish","topic":"a","payload":)" +
                                 std::string(inner + 1, '[') + std::string(inner + 1, ']') + "}";
    expect_error(one_more, error_code::bad_json, "null");
}

// ------------------------------------------------------------ ids

TEST(ClientRequestId, NumberAndStringAreEchoedAsJsonText) {
    EXPECT_EQ(ok(R"({"op":"ping","id":1})").id_json, "1");
    EXPECT_EQ(ok(R"({"op":"ping","id":0})").id_json, "0");
    EXPECT_EQ(ok(R"({"op":"ping","id":-17})").id_json, "-17");
    EXPECT_EQ(ok(R"({"op":"ping","id":1.5})").id_json, "1.5");
    EXPECT_EQ(ok(R"({"op":"ping","id":4294967296})").id_json, "4294967296");
    EXPECT_EQ(ok(R"({"op":"ping","id":18446744073709551615})").id_json, "18446744073709551615");
    EXPECT_EQ(ok(R"({"op":"ping","id":"abc"})").id_json, R"("abc")");
    EXPECT_EQ(ok(R"({"op":"ping","id":""})").id_json, R"("")");
    EXPECT_EQ(ok(R"({"op":"ping","id":"a\"b\\c"})").id_json, R"("a\"b\\c")");
    EXPECT_EQ(ok(R"({"op":"ping","id":null})").id_json, "null");
    EXPECT_EQ(ok(R"({"op":"ping"})").id_json, "null");
    EXPECT_EQ(ok(R"({"id":"x","op":"ping"})").id_json, R"("x")");  // order does not matter
}

TEST(ClientRequestId, LoneSurrogateEscapeInAStringIdIsEchoedAsValidUtf8) {
    // Found by fuzz_client_request: RapidJSON accepts a lone low surrogate and
    // decodes it to bytes that are not UTF-8.
    // Each of the three bytes it becomes is replaced, as a WHATWG decoder does.
    const std::string fffd3 = "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD";
    EXPECT_EQ(ok(R"({"op":"ping","id":"a\uDE0Ab"})").id_json, "\"a" + fffd3 + "b\"");
    expect_error(R"({"op":"nope","id":"\uDC00"})", error_code::unknown_op, "\"" + fffd3 + "\"");
}

TEST(ClientRequestId, ControlCharactersInStringIdStayEscaped) {
    const std::string id = ok(R"({"op":"ping","id":"a\nb\u0001"})").id_json;
    EXPECT_EQ(id, R"("a\nb\u0001")");
}

TEST(ClientRequestId, ObjectsArraysAndBooleansAreRefused) {
    for (const char* frame : {R"({"op":"ping","id":{"a":1}})", R"({"op":"ping","id":[1]})",
                              R"({"op":"ping","id":true})"}) {
        expect_error(frame, error_code::bad_request, "null");
    }
}

TEST(ClientRequestId, ErrorsAfterTheIdCarryIt) {
    expect_error(R"({"op":"nope","id":"q1"})", error_code::unknown_op, R"("q1")");
    expect_error(R"({"op":"subscribe","id":5})", error_code::bad_request, "5");
    expect_error(R"({"op":"publish","id":6,"topic":"a/#"})", error_code::invalid_topic, "6");
}

// ------------------------------------------------------------ ping

TEST(ClientRequestPing, Minimal) {
    const ClientRequest r = ok(R"({"op":"ping","id":3})");
    EXPECT_EQ(r.op, RequestOp::ping);
    EXPECT_EQ(r.id_json, "3");
    // Unknown members are ignored, whitespace is fine.
    EXPECT_EQ(ok(" {\n \"op\" : \"ping\" , \"extra\": [1,{}] }\t").op, RequestOp::ping);
}

// ------------------------------------------------------------ subscribe

TEST(ClientRequestSubscribe, Topics) {
    ClientRequest r = ok(R"({"op":"subscribe","id":1,"topics":["a/+/c","#","$SYS/#","a/"]})");
    EXPECT_EQ(r.op, RequestOp::subscribe);
    EXPECT_EQ(r.topics, (std::vector<std::string>{"a/+/c", "#", "$SYS/#", "a/"}));
    r = ok(R"({"op":"unsubscribe","id":2,"topics":["x"]})");
    EXPECT_EQ(r.op, RequestOp::unsubscribe);
    EXPECT_EQ(r.topics, std::vector<std::string>{"x"});
    r = ok(R"({"op":"subscribe","topics":["caf\u00e9/\u20ac"]})");
    EXPECT_EQ(r.topics, std::vector<std::string>{"caf\xc3\xa9/\xe2\x82\xac"});
}

TEST(ClientRequestSubscribe, TopicsMustBeANonEmptyArrayOfStrings) {
    for (const char* op : {"subscribe", "unsubscribe"}) {
        const std::string head = R"({"op":")" + std::string(op) + R"(","id":8)";
        for (const char* topics : {"", R"(,"topics":"a/b")", R"(,"topics":[])", R"(,"topics":null)",
                                   R"(,"topics":{"a":1})", R"(,"topics":[1])",
                                   R"(,"topics":["a",null])", R"(,"topics":[["a"]])"}) {
            expect_error(head + topics + "}", error_code::bad_request, "8");
        }
    }
}

TEST(ClientRequestSubscribe, InvalidFilterNamesTheFilter) {
    for (const char* filter : {"a#", "a/#/b", "a+", "+a", ""}) {
        const std::string frame =
            R"({"op":"subscribe","id":2,"topics":["ok/+",")" + std::string(filter) + R"("]})";
        const RequestError e = error(frame);
        EXPECT_EQ(e.code, error_code::invalid_filter) << frame;
        EXPECT_EQ(e.id_json, "2");
        EXPECT_NE(e.message.find("'" + std::string(filter) + "'"), std::string::npos) << e.message;
    }
    expect_error(R"({"op":"subscribe","topics":["a\u0000b"]})", error_code::invalid_filter, "null");
    expect_error(R"({"op":"unsubscribe","topics":["a/#/b"]})", error_code::invalid_filter, "null");
}

TEST(ClientRequestSubscribe, TooLongFilterIsRefused) {
    const std::string frame =
        R"({"op":"subscribe","topics":[")" + std::string(65536, 'a') + R"("]})";
    EXPECT_EQ(error(frame).code, error_code::invalid_filter);
}

// ------------------------------------------------------------ publish

TEST(ClientRequestPublish, Defaults) {
    const ClientRequest r = ok(R"({"op":"publish","id":1,"topic":"a/b"})");
    EXPECT_EQ(r.op, RequestOp::publish);
    EXPECT_EQ(r.publish.topic, "a/b");
    EXPECT_EQ(r.publish.payload, "");
    EXPECT_FALSE(r.publish.payload_is_binary);
    EXPECT_EQ(r.publish.qos, 0);
    EXPECT_FALSE(r.publish.retain);
    EXPECT_FALSE(r.publish.broadcast);
    EXPECT_EQ(r.publish.correlation_data, std::nullopt);
}

TEST(ClientRequestPublish, AllFields) {
    const ClientRequest r =
        ok(R"({"op":"publish","id":"p","topic":"x/y","payload":"hi","qos":2,"retain":true,)"
           R"("broadcast":true,"correlationData":"c-1"})");
    EXPECT_EQ(r.id_json, R"("p")");
    EXPECT_EQ(r.publish.topic, "x/y");
    EXPECT_EQ(r.publish.payload, "hi");
    EXPECT_EQ(r.publish.qos, 2);
    EXPECT_TRUE(r.publish.retain);
    EXPECT_TRUE(r.publish.broadcast);
    EXPECT_EQ(r.publish.correlation_data, "c-1");
}

TEST(ClientRequestPublish, RetainAndBroadcastAreIndependent) {
    ClientRequest r = ok(R"({"op":"publish","topic":"t","retain":true,"broadcast":false})");
    EXPECT_TRUE(r.publish.retain);
    EXPECT_FALSE(r.publish.broadcast);
    r = ok(R"({"op":"publish","topic":"t","retain":false,"broadcast":true})");
    EXPECT_FALSE(r.publish.retain);
    EXPECT_TRUE(r.publish.broadcast);
}

TEST(ClientRequestPublish, StringPayloadIsTheText) {
    EXPECT_EQ(ok(R"({"op":"publish","topic":"t","payload":"a \"q\" \u00e9\n"})").publish.payload,
              "a \"q\" \xc3\xa9\n");
    // A string that looks like JSON stays the string's contents.
    EXPECT_EQ(ok(R"({"op":"publish","topic":"t","payload":"{\"a\":1}"})").publish.payload,
              R"({"a":1})");
    // Embedded NUL survives.
    EXPECT_EQ(ok(R"({"op":"publish","topic":"t","payload":"a\u0000b"})").publish.payload, "a\0b"s);
}

TEST(ClientRequestPublish, NonStringPayloadIsJsonText) {
    EXPECT_EQ(ok(R"({"op":"publish","topic":"t","payload":{"a":[1,true,null]}})").publish.payload,
              R"({"a":[1,true,null]})");
    EXPECT_EQ(ok(R"({"op":"publish","topic":"t","payload":42})").publish.payload, "42");
    EXPECT_EQ(ok(R"({"op":"publish","topic":"t","payload":false})").publish.payload, "false");
    EXPECT_EQ(ok(R"({"op":"publish","topic":"t","payload":null})").publish.payload, "null");
    EXPECT_EQ(ok(R"({"op":"publish","topic":"t","payload":[]})").publish.payload, "[]");
    EXPECT_FALSE(ok(R"({"op":"publish","topic":"t","payload":{}})").publish.payload_is_binary);
}

TEST(ClientRequestPublish, Base64Payload) {
    const std::string bytes = "\x00\x01\xfe\xff"s;
    const std::string frame =
        R"({"op":"publish","topic":"t","payloadEncoding":"base64","payload":")" +
        base64_encode(bytes) + R"("})";
    const ClientRequest r = ok(frame);
    EXPECT_EQ(r.publish.payload, bytes);
    EXPECT_TRUE(r.publish.payload_is_binary);
    // The encoding may come after the payload.
    EXPECT_EQ(ok(R"({"op":"publish","topic":"t","payload":"aGk=","payloadEncoding":"base64"})")
                  .publish.payload,
              "hi");
}

TEST(ClientRequestPublish, Base64PayloadErrors) {
    for (const char* frame :
         {R"({"op":"publish","id":1,"topic":"t","payloadEncoding":"base64","payload":"a"})",
          R"({"op":"publish","id":1,"topic":"t","payloadEncoding":"base64","payload":"!!!!"})",
          R"({"op":"publish","id":1,"topic":"t","payloadEncoding":"base64","payload":"aGk"})",
          R"({"op":"publish","id":1,"topic":"t","payloadEncoding":"base64","payload":{"a":1}})",
          R"({"op":"publish","id":1,"topic":"t","payloadEncoding":"base64","payload":12})",
          R"({"op":"publish","id":1,"topic":"t","payloadEncoding":"hex","payload":"00"})",
          R"({"op":"publish","id":1,"topic":"t","payloadEncoding":1,"payload":"aGk="})",
          R"({"op":"publish","id":1,"topic":"t","payloadEncoding":null,"payload":"aGk="})"}) {
        expect_error(frame, error_code::bad_request, "1");
    }
}

TEST(ClientRequestPublish, TopicValidation) {
    expect_error(R"({"op":"publish","id":1})", error_code::bad_request, "1");
    expect_error(R"({"op":"publish","id":1,"topic":5})", error_code::bad_request, "1");
    expect_error(R"({"op":"publish","id":1,"topic":null})", error_code::bad_request, "1");
    expect_error(R"({"op":"publish","id":1,"topic":["a"]})", error_code::bad_request, "1");
    for (const char* topic : {"", "a/#", "a/+/b", "#", "+", "a\\u0000b"}) {
        const std::string frame =
            R"({"op":"publish","id":1,"topic":")" + std::string(topic) + R"("})";
        expect_error(frame, error_code::invalid_topic, "1");
    }
    const RequestError e = error(R"({"op":"publish","id":1,"topic":"bad/+/topic"})");
    EXPECT_NE(e.message.find("bad/+/topic"), std::string::npos) << e.message;
    expect_error(R"({"op":"publish","topic":")" + std::string(65536, 'a') + R"("})",
                 error_code::invalid_topic, "null");
}

TEST(ClientRequestPublish, QosValidation) {
    for (int qos : {0, 1, 2}) {
        const std::string frame =
            R"({"op":"publish","topic":"t","qos":)" + std::to_string(qos) + "}";
        EXPECT_EQ(ok(frame).publish.qos, qos);
    }
    for (const char* qos :
         {"3", "-1", "1.0", "1.5", "\"1\"", "true", "null", "4294967297", "[1]"}) {
        const std::string frame =
            R"({"op":"publish","id":2,"topic":"t","qos":)" + std::string(qos) + "}";
        expect_error(frame, error_code::bad_request, "2");
    }
}

TEST(ClientRequestPublish, FlagsMustBeBooleans) {
    for (const char* flag : {"retain", "broadcast"}) {
        for (const char* value : {"1", "0", "\"true\"", "null", "[]"}) {
            const std::string frame =
                R"({"op":"publish","id":3,"topic":"t",")" + std::string(flag) + "\":" + value + "}";
            const RequestError e = error(frame);
            EXPECT_EQ(e.code, error_code::bad_request) << frame;
            EXPECT_NE(e.message.find(flag), std::string::npos) << e.message;
        }
    }
    expect_error(R"({"op":"publish","id":3,"topic":"t","correlationData":7})",
                 error_code::bad_request, "3");
}

TEST(ClientRequestPublish, OneMegabyteStringIsFine) {
    const std::string big(1 << 20, 'x');
    const ClientRequest r =
        ok(R"({"op":"publish","id":1,"topic":"big","payload":")" + big + R"("})");
    EXPECT_EQ(r.publish.payload, big);
    const std::string escaped_big(1 << 20, '\n');
    std::string escaped;
    for (std::size_t i = 0; i < escaped_big.size(); ++i) escaped += "\\n";
    EXPECT_EQ(
        ok(R"({"op":"publish","topic":"big","payload":")" + escaped + R"("})").publish.payload,
        escaped_big);
}

TEST(ClientRequestPublish, OneMegabyteBase64IsFine) {
    std::string bytes(1 << 20, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 131 % 256);
    const ClientRequest r = ok(R"({"op":"publish","topic":"big","payloadEncoding":"base64",)"
                               R"("payload":")" +
                               base64_encode(bytes) + R"("})");
    EXPECT_EQ(r.publish.payload, bytes);
    EXPECT_TRUE(r.publish.payload_is_binary);
}

}  // namespace
}  // namespace mqttws
