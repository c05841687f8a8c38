#include "harness/bridge_test.hpp"

#include <sstream>
#include <stdexcept>

#include "harness/json_text.hpp"

namespace mwb::it {

void BridgeTest::TearDown() {
    clients_.reset();
    publisher_.reset();
    bridge_.reset();
    broker_.reset();
}

void BridgeTest::start(const std::vector<std::string>& bridge_args, int publisher_version) {
    start_broker();
    start_bridge(bridge_args);
    start_publisher(publisher_version);
}

void BridgeTest::start_broker(const std::string& extra_config) {
    broker_ = std::make_unique<MosquittoProcess>(extra_config);
}

void BridgeTest::start_bridge(const std::vector<std::string>& bridge_args,
                              BridgeProcess::WaitFor wait_for, BridgeProcess::Options options) {
    bridge_ =
        std::make_unique<BridgeProcess>(broker_->port(), bridge_args, wait_for, std::move(options));
    if (!clients_) clients_ = std::make_unique<WsClientPool>();
}

void BridgeTest::start_publisher(int mqtt_version) {
    publisher_ = std::make_unique<MqttPublisher>(broker_->url(), mqtt_version);
}

WsConnection& BridgeTest::connect(const std::string& resource,
                                  const std::optional<std::string>& subprotocol) {
    return clients_->connect_open(bridge_->ws_uri(resource), subprotocol);
}

WsConnection& BridgeTest::connect_protocol(const std::string& resource) {
    WsConnection& connection = connect(resource, std::string(kProtocol));
    rapidjson::Document welcome = NextJson(connection);
    if (JsonText::string_member(welcome, "type") != "welcome") {
        throw std::runtime_error("expected a welcome frame first, got " +
                                 JsonText::serialize(welcome));
    }
    return connection;
}

void BridgeTest::publish_topics(const std::vector<std::string>& topics) {
    for (const auto& topic : topics) publisher_->publish(topic, topic);
}

::testing::AssertionResult BridgeTest::ReceivesTexts(WsConnection& connection,
                                                     const std::vector<std::string>& expected,
                                                     const Deadline& deadline) {
    const bool complete = connection.wait_for_messages(expected.size(), deadline);
    const std::vector<WsFrame> frames = connection.messages();
    auto list = [](const std::vector<std::string>& texts) {
        std::ostringstream out;
        out << "[";
        for (std::size_t i = 0; i < texts.size(); ++i)
            out << (i ? ", " : "") << "'" << texts[i] << "'";
        out << "]";
        return out.str();
    };
    std::vector<std::string> got;
    bool binary_seen = false;
    for (const auto& frame : frames) {
        got.push_back(frame.binary ? "<binary:" + frame.payload + ">" : frame.payload);
        binary_seen = binary_seen || frame.binary;
    }
    if (complete && got == expected && !binary_seen) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << (complete ? "" : "timed out waiting; ") << "expected " << list(expected)
           << ", received " << list(got) << " on " << connection.describe();
}

rapidjson::Document BridgeTest::NextJson(WsConnection& connection, const Deadline& deadline) {
    std::optional<WsFrame> frame = connection.next_message(deadline);
    if (!frame) throw std::runtime_error("no frame arrived in time: " + connection.describe());
    if (frame->binary) {
        throw std::runtime_error("expected a text frame, got a binary one of " +
                                 std::to_string(frame->payload.size()) + " bytes");
    }
    return JsonText::parse(frame->payload);
}

rapidjson::Document BridgeTest::NextProtocolFrame(WsConnection& connection,
                                                  const Deadline& deadline) {
    for (;;) {
        rapidjson::Document frame = NextJson(connection, deadline);
        if (JsonText::string_member(frame, "type") != "status") return frame;
    }
}

}  // namespace mwb::it
