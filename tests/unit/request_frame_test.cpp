// split_request_frame against a tree of the whole frame: the same payload (a string's bytes or
// compact JSON) and the same rest (the frame with that payload null), over frames of every
// shape around the payload; and the bound on values outside it.
#include "mqttws/request_frame.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

namespace mqttws {
namespace {

using namespace std::string_literals;

std::string compact(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

const std::vector<std::string> kPayloads = {R"("text")",
                                            R"("")",
                                            R"("\u00e9\/\n\"")",
                                            R"(0)",
                                            R"(-12)",
                                            R"(1e2)",
                                            R"(0.1)",
                                            R"(18446744073709551615)",
                                            R"(-9223372036854775808)",
                                            R"(true)",
                                            R"(null)",
                                            R"({})",
                                            R"([])",
                                            R"({"a":[1,true,null]})",
                                            R"([[1],[],{"payload":{"x":2}}])",
                                            R"({"_session":{"id":"s"}})"};

// Frames around each payload: first, last, alone, spaced, duplicated, nested.
std::vector<std::string> frames() {
    std::vector<std::string> out = {
        R"({"op":"ping"})", R"({"a":{"payload":1}})",        R"([{"payload":1}])",
        R"("payload")",     R"({"payload_":1,"Payload":2})", "{}",
    };
    for (const std::string& p : kPayloads) {
        out.push_back(R"({"payload":)" + p + "}");
        out.push_back(R"({"op":"publish","id":1,"topic":"a/b","payload":)" + p + R"(,"qos":1})");
        out.push_back(" {\n \"payload\" \t:\r\n " + p + " , \"x\" : [ ] } ");
        out.push_back(R"({"payload":)" + p + R"(,"payload":"second"})");
        out.push_back(R"({"a":{"payload":3},"payload":)" + p + "}");
    }
    return out;
}

TEST(SplitRequestFrame, AgreesWithATreeOfTheWholeFrame) {
    for (const std::string& frame : frames()) {
        rapidjson::Document whole;
        whole.Parse(frame.data(), frame.size());
        ASSERT_FALSE(whole.HasParseError()) << frame;
        auto split = split_request_frame(frame);
        ASSERT_TRUE(std::holds_alternative<SplitFrame>(split)) << frame;
        SplitFrame& parts = std::get<SplitFrame>(split);

        rapidjson::Value* payload = nullptr;
        if (whole.IsObject()) {
            const auto it = whole.FindMember("payload");
            if (it != whole.MemberEnd()) payload = &it->value;
        }
        ASSERT_EQ(parts.payload.has_value(), payload != nullptr) << frame;
        if (payload) {
            EXPECT_EQ(parts.payload_is_string, payload->IsString()) << frame;
            EXPECT_EQ(*parts.payload, payload->IsString() ? std::string(payload->GetString(),
                                                                        payload->GetStringLength())
                                                          : compact(*payload))
                << frame;
            payload->SetNull();
        }
        rapidjson::Document rest;
        rest.Parse(parts.rest.data(), parts.rest.size());
        ASSERT_FALSE(rest.HasParseError()) << parts.rest;
        EXPECT_EQ(compact(rest), compact(whole)) << frame << " -> " << parts.rest;
    }
}

TEST(SplitRequestFrame, RefusesWhatIsNotJson) {
    for (const std::string& frame :
         {""s, "{"s, R"({"payload":)"s, R"({"payload":{"a":1})"s, R"({"payload":[1,]})"s,
          R"({"payload":1} x)"s, "{\"payload\":\"\xff\"}"s}) {
        auto split = split_request_frame(frame);
        ASSERT_TRUE(std::holds_alternative<SplitFailure>(split)) << frame;
        const SplitFailure& failure = std::get<SplitFailure>(split);
        EXPECT_FALSE(failure.too_many_values) << frame;
        EXPECT_NE(failure.message.find("not valid JSON"), std::string::npos) << failure.message;
    }
}

std::string array_of(std::size_t values) {
    std::string text = "[";
    for (std::size_t i = 0; i < values; ++i) text += i ? ",0" : "0";
    return text + "]";
}

TEST(SplitRequestFrame, BoundsTheValuesOutsideThePayloadOnly) {
    // The object, its key and the array count too.
    const std::size_t outside = max_request_values - 3;
    EXPECT_TRUE(std::holds_alternative<SplitFrame>(
        split_request_frame(R"({"topics":)" + array_of(outside) + "}")));
    auto split = split_request_frame(R"({"topics":)" + array_of(outside + 1) + "}");
    ASSERT_TRUE(std::holds_alternative<SplitFailure>(split));
    EXPECT_TRUE(std::get<SplitFailure>(split).too_many_values);
    EXPECT_NE(std::get<SplitFailure>(split).message.find(std::to_string(max_request_values)),
              std::string::npos);

    const std::string big = array_of(10 * max_request_values);
    split = split_request_frame(R"({"op":"publish","payload":)" + big + "}");
    ASSERT_TRUE(std::holds_alternative<SplitFrame>(split));
    EXPECT_EQ(*std::get<SplitFrame>(split).payload, big);
}

}  // namespace
}  // namespace mqttws
