// The way back: a client publishes, a test backend (a real MQTT 5 client) receives the request
// tagged with the client's session, a responseTopic and the client's correlation data, answers
// on the responseTopic, and only the asking client receives the answer. Also the echo of a
// client's own publish (sender only) and "broadcast": true (every subscriber).

#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/json_text.hpp"
#include "harness/mqtt_v5.hpp"
#include "harness/session_fixture.hpp"

namespace mwb::it {
namespace {

class SessionRoundTripTest : public SessionTest {
  protected:
    // A request as the backend received it, checked against what the bridge promises.
    static ::testing::AssertionResult IsRequestFrom(const mqtt::const_message_ptr& request,
                                                    const std::string& session,
                                                    const std::string& instance,
                                                    const std::string& correlation) {
        if (!request) return ::testing::AssertionFailure() << "no request reached the backend";
        const mqtt::properties& props = request->get_properties();
        const std::string reply = "mqtt-ws-bridge/reply/" + instance + "/" + session;
        if (MqttV5::user_property(props, "session") == session &&
            MqttV5::response_topic(props) == reply &&
            MqttV5::correlation_data(props) == correlation) {
            return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure()
               << "expected user property session=" << session << ", responseTopic '" << reply
               << "' and correlationData '" << correlation << "', got "
               << MqttV5::describe(*request);
    }
};

TEST_F(SessionRoundTripTest, BackendAnswerReachesOnlyTheAskingClient) {
    // The bridge subscribes to app/# only, so the request does not come back as an echo.
    start({"--allow-publish", "req/#", "--instance-id", "it1", "--subscribe", "app/#"});
    MqttSubscriber& backend = mqtt_subscriber("req/#");
    WsConnection& asker = connect_protocol("/ws?topic=app/%23");
    // Bystanders subscribed to the marker topic and, one of them, to everything.
    WsConnection& bystander = connect_protocol("/ws?topic=app/%23&topic=mqtt-ws-bridge/%23");
    WsConnection& plain = connect("/ws/%23");
    const std::string session = asker.session_id();

    asker.send_text(
        R"({"op":"publish","id":7,"topic":"req/x","payload":"hi","qos":1,"correlationData":"c-7"})");
    EXPECT_TRUE(IsAck(NextProtocolFrame(asker), 7));

    mqtt::const_message_ptr request = backend.next_message(kDelivery);
    ASSERT_TRUE(IsRequestFrom(request, session, "it1", "c-7"));
    EXPECT_EQ(request->get_topic(), "req/x");
    EXPECT_EQ(request->get_payload_str(), "hi");
    EXPECT_EQ(request->get_qos(), 1);
    EXPECT_FALSE(request->is_retained());

    const std::string reply_topic = *MqttV5::response_topic(request->get_properties());
    publisher().publish(reply_topic, "answer for " + session, 1, false, MqttV5::answer("c-7"));
    publisher().publish("app/marker", "marker");

    rapidjson::Document answer = NextProtocolFrame(asker);
    const std::string answer_text = JsonText::serialize(answer);
    EXPECT_EQ(JsonText::string_member(answer, "type"), "message") << answer_text;
    EXPECT_TRUE(IsMsg(answer, reply_topic, "\"answer for " + session + "\""));
    EXPECT_EQ(JsonText::string_member(answer, "correlationData"), "c-7") << answer_text;
    EXPECT_TRUE(IsMsg(NextProtocolFrame(asker), "app/marker", "\"marker\""));

    EXPECT_TRUE(IsMsg(NextProtocolFrame(bystander), "app/marker", "\"marker\""))
        << "the answer reached another client";
    EXPECT_TRUE(ReceivesTexts(plain, {"marker"})) << "the answer reached another client";
}

TEST_F(SessionRoundTripTest, TenConcurrentClientsEachGetOnlyTheirOwnAnswer) {
    constexpr int kClients = 10;
    start({"--allow-publish", "req/#", "--instance-id", "it1", "--subscribe", "app/#"});
    MqttSubscriber& backend = mqtt_subscriber("req/#");
    std::vector<WsConnection*> clients;
    for (int i = 0; i < kClients; ++i) clients.push_back(&connect_protocol("/ws?topic=app/%23"));

    // Every request goes out before any is answered.
    for (int i = 0; i < kClients; ++i) {
        clients[i]->send_text(R"({"op":"publish","id":)" + std::to_string(100 + i) +
                              R"(,"topic":"req/)" + std::to_string(i) + R"(","payload":"q)" +
                              std::to_string(i) + R"(","qos":1,"correlationData":"c-)" +
                              std::to_string(i) + R"("})");
    }

    // The backend answers each request on its responseTopic, naming the session it came from.
    std::map<std::string, int> index_of_session;
    for (int i = 0; i < kClients; ++i) index_of_session[clients[i]->session_id()] = i;
    std::set<std::string> answered;
    for (int n = 0; n < kClients; ++n) {
        mqtt::const_message_ptr request = backend.next_message(kDelivery);
        ASSERT_TRUE(request) << "only " << n << " of " << kClients << " requests arrived";
        const mqtt::properties& props = request->get_properties();
        const std::string session = MqttV5::user_property(props, "session").value_or("");
        ASSERT_EQ(index_of_session.count(session), 1u) << MqttV5::describe(*request);
        const int i = index_of_session[session];
        EXPECT_TRUE(IsRequestFrom(request, session, "it1", "c-" + std::to_string(i)));
        EXPECT_EQ(request->get_topic(), "req/" + std::to_string(i));
        EXPECT_EQ(request->get_payload_str(), "q" + std::to_string(i));
        EXPECT_TRUE(answered.insert(session).second) << "two requests from " << session;
        publisher().publish(MqttV5::response_topic(props).value_or("missing/response/topic"),
                            "answer for " + session, 1, false,
                            MqttV5::answer("c-" + std::to_string(i)));
    }
    publisher().publish("app/marker", "marker");

    for (int i = 0; i < kClients; ++i) {
        WsConnection& client = *clients[i];
        const std::string session = client.session_id();
        // The ack and the answer, in whichever order the bridge saw the PUBACK and the answer.
        bool acked = false;
        bool answered_once = false;
        for (const auto& frame : NextProtocolFrames(client, 2)) {
            const std::string text = JsonText::serialize(frame);
            if (JsonText::string_member(frame, "type") == "ack") {
                EXPECT_TRUE(IsAck(frame, 100 + i));
                EXPECT_FALSE(acked) << "two acks: " << text;
                acked = true;
            } else {
                EXPECT_TRUE(IsMsg(frame, "mqtt-ws-bridge/reply/it1/" + session,
                                  "\"answer for " + session + "\""));
                EXPECT_EQ(JsonText::string_member(frame, "correlationData"),
                          "c-" + std::to_string(i))
                    << text;
                EXPECT_FALSE(answered_once) << "two answers: " << text;
                answered_once = true;
            }
        }
        EXPECT_TRUE(IsMsg(NextProtocolFrame(client), "app/marker", "\"marker\""))
            << "client " << i << " received something besides its own ack and answer";
    }
}

TEST_F(SessionRoundTripTest, OwnPublishEchoesToTheSenderOnlyAndTheAnswerArrivesOnce) {
    // The default --subscribe '#' covers both the request's topic and the reply topics.
    start({"--allow-publish", "chat/#", "--instance-id", "it5"});
    MqttSubscriber& backend = mqtt_subscriber("chat/#");
    WsConnection& sender = connect_protocol("/ws/chat/%23");
    WsConnection& peer = connect_protocol("/ws/chat/%23");
    const std::string session = sender.session_id();

    sender.send_text(
        R"({"op":"publish","id":1,"topic":"chat/1","payload":"mine","qos":1,"correlationData":"k"})");
    // The echo comes through the broker with the sender's session; the ack once the broker
    // accepted it. Either may come first.
    bool acked = false;
    bool echoed = false;
    for (const auto& frame : NextProtocolFrames(sender, 2)) {
        if (JsonText::string_member(frame, "type") == "ack") {
            EXPECT_TRUE(IsAck(frame, 1));
            acked = true;
        } else {
            EXPECT_TRUE(IsMsg(frame, "chat/1", "\"mine\""));
            EXPECT_EQ(JsonText::string_member(frame, "correlationData"), "k")
                << JsonText::serialize(frame);
            EXPECT_FALSE(frame.HasMember("userProperties") &&
                         frame["userProperties"].HasMember("session"))
                << JsonText::serialize(frame);
            echoed = true;
        }
    }
    EXPECT_TRUE(acked && echoed);

    mqtt::const_message_ptr request = backend.next_message(kDelivery);
    ASSERT_TRUE(IsRequestFrom(request, session, "it5", "k"));
    publisher().publish(*MqttV5::response_topic(request->get_properties()), "reply", 1, false,
                        MqttV5::answer("k"));
    publisher().publish("chat/marker", "marker");

    EXPECT_TRUE(
        IsMsg(NextProtocolFrame(sender), "mqtt-ws-bridge/reply/it5/" + session, "\"reply\""));
    EXPECT_TRUE(IsMsg(NextProtocolFrame(sender), "chat/marker", "\"marker\""))
        << "the answer arrived more than once";
    EXPECT_TRUE(IsMsg(NextProtocolFrame(peer), "chat/marker", "\"marker\""))
        << "the sender's echo or its answer reached a peer";
}

TEST_F(SessionRoundTripTest, BroadcastPublishReachesEverySubscriberWithoutSessionProperties) {
    start({"--allow-publish", "room/#", "--subscribe", "room/#", "--instance-id", "it7"});
    MqttSubscriber& observer = mqtt_subscriber("room/#");
    WsConnection& sender = connect_protocol("/ws/room/%23");
    WsConnection& peer = connect_protocol("/ws/room/%23");
    WsConnection& plain = connect("/ws/room/%23");

    sender.send_text(
        R"({"op":"publish","id":1,"topic":"room/1","payload":"hello all","qos":1,"broadcast":true})");

    bool acked = false;
    bool received = false;
    for (const auto& frame : NextProtocolFrames(sender, 2)) {
        if (JsonText::string_member(frame, "type") == "ack") {
            EXPECT_TRUE(IsAck(frame, 1));
            acked = true;
        } else {
            EXPECT_TRUE(IsMsg(frame, "room/1", "\"hello all\""));
            received = true;
        }
    }
    EXPECT_TRUE(acked && received) << "the sender, subscribed, receives its broadcast too";

    mqtt::const_message_ptr published = observer.next_message(kDelivery);
    ASSERT_TRUE(published) << "the broadcast never reached the broker";
    EXPECT_EQ(published->get_topic(), "room/1");
    EXPECT_EQ(published->get_payload_str(), "hello all");
    EXPECT_FALSE(MqttV5::user_property(published->get_properties(), "session"))
        << MqttV5::describe(*published);
    EXPECT_FALSE(MqttV5::response_topic(published->get_properties()))
        << MqttV5::describe(*published);

    publisher().publish("room/marker", "marker");
    EXPECT_TRUE(IsMsg(NextProtocolFrame(peer), "room/1", "\"hello all\""));
    EXPECT_TRUE(IsMsg(NextProtocolFrame(peer), "room/marker", "\"marker\""));
    EXPECT_TRUE(ReceivesTexts(plain, {"hello all", "marker"}));
    EXPECT_TRUE(IsMsg(NextProtocolFrame(sender), "room/marker", "\"marker\""))
        << "the sender received its broadcast more than once";
}

}  // namespace
}  // namespace mwb::it
