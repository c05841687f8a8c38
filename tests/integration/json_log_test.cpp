// --log-format json: every line the bridge writes is one JSON object with time, level and msg;
// a connection's open and close are logged with its session and the close's details; payloads
// never appear above debug.
#include <sstream>
#include <string>
#include <vector>

#include "harness/bridge_test.hpp"
#include "harness/json_text.hpp"

namespace mwb::it {
namespace {

constexpr const char* kPayloadMarker = "payload-marker-5e0d2c";

class JsonLogTest : public BridgeTest {
  protected:
    // Every line of the log, parsed; fails the test on a line that is not a JSON object with
    // string members time, level and msg.
    std::vector<rapidjson::Document> Lines() {
        std::vector<rapidjson::Document> lines;
        std::istringstream log(bridge().log());
        std::string line;
        while (std::getline(log, line)) {
            rapidjson::Document doc;
            doc.Parse(line.c_str(), line.size());
            EXPECT_FALSE(doc.HasParseError()) << "not JSON: " << line;
            if (doc.HasParseError() || !doc.IsObject()) {
                ADD_FAILURE() << "not a JSON object: " << line;
                continue;
            }
            for (const char* member : {"time", "level", "msg"}) {
                EXPECT_TRUE(doc.HasMember(member) && doc[member].IsString())
                    << "no string '" << member << "': " << line;
            }
            lines.push_back(std::move(doc));
        }
        return lines;
    }

    // The first line with this msg and session, or nullptr.
    static const rapidjson::Document* Find(const std::vector<rapidjson::Document>& lines,
                                           const std::string& msg, const std::string& session) {
        for (const auto& line : lines) {
            if (JsonText::string_member(line, "msg") == msg &&
                JsonText::string_member(line, "session") == session) {
                return &line;
            }
        }
        return nullptr;
    }
};

TEST_F(JsonLogTest, ConnectionOpenAndCloseAreJsonLinesWithoutPayloads) {
    start({"--log-format", "json"});
    WsConnection& client = connect("/ws/jl/%23?topic=other");
    const std::string session = client.session_id();
    ASSERT_FALSE(session.empty());
    publisher().publish("jl/x", kPayloadMarker);
    ASSERT_TRUE(ReceivesTexts(client, {kPayloadMarker}));
    // A close reason with quotes and a newline must not break the line or the JSON.
    const std::string reason = "bye \"now\"\nsecond line";
    client.close(1000, reason);
    ASSERT_TRUE(client.wait_closed(kDelivery));
    ASSERT_TRUE(Deadline(kDelivery).poll_until([&] {
        return bridge().log().find("connection closed") != std::string::npos;
    })) << bridge().log_tail();

    const std::vector<rapidjson::Document> lines = Lines();
    const rapidjson::Document* open = Find(lines, "connection open", session);
    ASSERT_NE(open, nullptr) << bridge().log_tail();
    EXPECT_EQ(JsonText::string_member(*open, "level"), "info");
    EXPECT_EQ(JsonText::string_member(*open, "path"), "/ws/jl/%23");  // no query string
    EXPECT_EQ(JsonText::string_member(*open, "remote").rfind("127.0.0.1:", 0), 0u);

    const rapidjson::Document* closed = Find(lines, "connection closed", session);
    ASSERT_NE(closed, nullptr) << bridge().log_tail();
    EXPECT_EQ(JsonText::string_member(*closed, "level"), "info");
    ASSERT_TRUE(closed->HasMember("code") && (*closed)["code"].IsInt());
    EXPECT_EQ((*closed)["code"].GetInt(), 1000);
    EXPECT_EQ(JsonText::string_member(*closed, "reason"), reason);
    ASSERT_TRUE(closed->HasMember("delivered") && (*closed)["delivered"].IsUint64());
    EXPECT_EQ((*closed)["delivered"].GetUint64(), 1u);
    ASSERT_TRUE(closed->HasMember("duration_seconds") && (*closed)["duration_seconds"].IsNumber());
    EXPECT_GE((*closed)["duration_seconds"].GetDouble(), 0.0);
    EXPECT_EQ(JsonText::string_member(*closed, "path"), "/ws/jl/%23");

    // The harness runs the bridge at debug; above debug no line may carry the payload.
    for (const auto& line : lines) {
        const std::string level = JsonText::string_member(line, "level");
        if (level == "debug" || level == "trace") continue;
        EXPECT_EQ(JsonText::serialize(line).find(kPayloadMarker), std::string::npos)
            << JsonText::serialize(line);
    }
}

TEST_F(JsonLogTest, RefusedHandshakeIsLoggedWithItsReason) {
    start({"--log-format", "json"});
    WsConnection& refused = clients().connect(bridge().ws_uri("/ws/bad/%23/x"));
    EXPECT_FALSE(refused.wait_open(kDelivery));
    ASSERT_TRUE(Deadline(kDelivery).poll_until(
        [&] { return bridge().log().find("connection refused") != std::string::npos; }));
    bool found = false;
    for (const auto& line : Lines()) {
        if (JsonText::string_member(line, "msg") != "connection refused") continue;
        found = true;
        EXPECT_EQ(JsonText::string_member(line, "path"), "/ws/bad/%23/x");
        EXPECT_FALSE(JsonText::string_member(line, "reason").empty());
        ASSERT_TRUE(line.HasMember("status") && line["status"].IsInt());
        EXPECT_EQ(line["status"].GetInt(), 400);
    }
    EXPECT_TRUE(found);
}

}  // namespace
}  // namespace mwb::it
