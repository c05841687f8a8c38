// Scale-out with real processes: two federated Mosquittos, three bridge instances (a1 and a2 on
// broker A, b1 on broker B) and nginx balancing WebSocket clients over them. Clients land on every
// instance, broadcasts reach each client once, answers and targeted messages reach only the
// instance holding the session, and a draining instance's clients move to the others.

#include <csignal>
#include <set>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "harness/json_text.hpp"
#include "harness/mqtt_subscriber.hpp"
#include "harness/mqtt_v5.hpp"
#include "scale_fixture.hpp"

namespace mwb::it {
namespace {

const std::string kMessages = "mwb_mqtt_messages_total";
const std::string kUnknown = R"(mwb_dropped_total{reason="unknown_session"})";
const std::string kNotLocal = R"(mwb_dropped_total{reason="not_local"})";

// Frames of a text message payload as the envelope carries it.
std::string json_string(const std::string& text) {
    return "\"" + text + "\"";
}

TEST_F(ScaleTest, ClientsLandOnEveryInstanceAndABroadcastFromBReachesEachOnce) {
    const std::vector<Client> clients = connect_clients(kClients);
    std::set<std::string> sessions;
    for (const Client& client : clients) {
        EXPECT_TRUE(IsSessionId(client.session));
        sessions.insert(client.session);
    }
    EXPECT_EQ(sessions.size(), clients.size()) << "session ids repeat";
    for (const auto& [id, count] : per_instance(clients)) {
        EXPECT_GT(count, 0) << "no client landed on instance " << id;
    }
    EXPECT_EQ(per_instance(clients).size(), instance_ids().size())
        << "a session names an instance that does not exist";
    const auto before = metric_everywhere(kMessages);

    // The last message closes the list: anything duplicated would arrive before it.
    publisher_b().publish("bcast/hello", "hello", 1);
    publisher_b().publish("bcast/end", "end", 1);
    for (const Client& client : clients) {
        EXPECT_TRUE(ReceivesMessages(
            client, {{"bcast/hello", json_string("hello")}, {"bcast/end", json_string("end")}}));
    }
    // Each instance took each broadcast from its broker exactly once.
    for (const auto& [id, count] : metric_everywhere(kMessages)) {
        EXPECT_EQ(count - before.at(id), 2) << id;
    }
}

TEST_F(ScaleTest, AnswersOnTheResponseTopicReachOnlyTheAskerAndItsInstance) {
    MqttSubscriber backend(broker_b().url());
    backend.subscribe("app/requests", 1);
    const std::vector<Client> clients = connect_clients(kClients);
    const auto messages_before = metric_everywhere(kMessages);
    const auto unknown_before = metric_everywhere(kUnknown);
    const auto not_local_before = metric_everywhere(kNotLocal);

    for (int i = 0; i < kClients; ++i) {
        clients[i].connection->send_text(
            R"({"op":"publish","id":1,"topic":"app/requests","payload":"req-)" + std::to_string(i) +
            R"(","qos":1,"correlationData":"corr-)" + std::to_string(i) + R"("})");
    }
    // The backend on broker B answers each request on its responseTopic.
    std::set<std::string> reply_topics;
    for (int i = 0; i < kClients; ++i) {
        const mqtt::const_message_ptr request = backend.next_message(kDelivery);
        ASSERT_TRUE(request) << "only " << i << " of " << kClients << " requests reached B";
        const mqtt::properties& props = request->get_properties();
        const std::optional<std::string> reply = MqttV5::response_topic(props);
        const std::optional<std::string> session = MqttV5::user_property(props, "session");
        ASSERT_TRUE(reply && session) << MqttV5::describe(*request);
        // The instance-scoped topic: <reply-prefix>/<instance>/<session>.
        EXPECT_EQ(*reply, "mqtt-ws-bridge/reply/" + session->substr(0, session->find('.')) + "/" +
                              *session);
        reply_topics.insert(*reply);
        publisher_b().publish(*reply, "answer-to-" + request->get_payload_str(), 1, false,
                              MqttV5::answer(MqttV5::correlation_data(props)));
    }
    EXPECT_EQ(reply_topics.size(), static_cast<std::size_t>(kClients));
    publisher_b().publish("bcast/end", "end", 1);

    for (int i = 0; i < kClients; ++i) {
        const Client& client = clients[i];
        // The ack and the answer, in whichever order, then the closing broadcast.
        bool acked = false;
        bool answered = false;
        for (int frame_number = 0; frame_number < 2; ++frame_number) {
            const rapidjson::Document frame = NextProtocolFrame(*client.connection);
            if (JsonText::string_member(frame, "type") == "ack") {
                EXPECT_TRUE(IsAck(frame, 1));
                acked = true;
                continue;
            }
            const std::string reply =
                "mqtt-ws-bridge/reply/" + client.instance + "/" + client.session;
            EXPECT_TRUE(IsMsg(frame, reply, json_string("answer-to-req-" + std::to_string(i))))
                << client.session;
            EXPECT_EQ(JsonText::string_member(frame, "correlationData"),
                      "corr-" + std::to_string(i));
            answered = true;
        }
        EXPECT_TRUE(acked && answered) << client.session;
        EXPECT_TRUE(ReceivesMessages(client, {{"bcast/end", json_string("end")}}));
    }
    // Each instance received exactly the answers for its own clients, plus the broadcast:
    // no answer travelled to an instance that does not hold the session.
    const auto held = per_instance(clients);
    for (const std::string& id : instance_ids()) {
        EXPECT_EQ(metric(id, kMessages) - messages_before.at(id), held.at(id) + 1) << id;
        EXPECT_EQ(metric(id, kUnknown) - unknown_before.at(id), 0) << id;
        EXPECT_EQ(metric(id, kNotLocal) - not_local_before.at(id), 0) << id;
    }
}

TEST_F(ScaleTest, UserPropertyTargetOnASharedTopicIsDeliveredByTheHolderOnly) {
    const std::vector<Client> clients = connect_clients(kClients);
    const auto messages_before = metric_everywhere(kMessages);
    const auto unknown_before = metric_everywhere(kUnknown);
    const auto not_local_before = metric_everywhere(kNotLocal);

    // Every instance subscribes notice/#: each sees every notice, only the holder delivers.
    for (int i = 0; i < kClients; ++i) {
        publisher_b().publish("notice/private", "notice-" + std::to_string(i), 1, false,
                              MqttV5::user_properties({{"session", clients[i].session}}));
    }
    // A well-formed id of a1 that no client holds: unknown on a1, not local elsewhere.
    const std::string absent = "a1.00AAAAAAAAAAAAAAAAAAAAAA";
    publisher_b().publish("notice/private", "for-nobody", 1, false,
                          MqttV5::user_properties({{"session", absent}}));
    publisher_b().publish("bcast/end", "end", 1);

    for (int i = 0; i < kClients; ++i) {
        EXPECT_TRUE(ReceivesMessages(
            clients[i], {{"notice/private", json_string("notice-" + std::to_string(i))},
                         {"bcast/end", json_string("end")}}));
    }
    const auto held = per_instance(clients);
    for (const std::string& id : instance_ids()) {
        const int absent_here = id == "a1" ? 1 : 0;
        EXPECT_EQ(metric(id, kMessages) - messages_before.at(id), kClients + 2) << id;
        EXPECT_EQ(metric(id, kNotLocal) - not_local_before.at(id),
                  kClients - held.at(id) + (1 - absent_here))
            << id;
        EXPECT_EQ(metric(id, kUnknown) - unknown_before.at(id), absent_here) << id;
    }
}

TEST_F(ScaleTest, DrainedInstancesClientsReconnectElsewhereAndNoOtherClientNotices) {
    std::vector<Client> clients = connect_clients(kClients);
    publisher_b().publish("bcast/before", "before", 1);
    for (const Client& client : clients) {
        ASSERT_TRUE(ReceivesMessages(client, {{"bcast/before", json_string("before")}}));
    }
    const std::string drained = "a2";
    ASSERT_GT(per_instance(clients).at(drained), 0);

    instance(drained).send_signal(SIGTERM);
    std::vector<Client> survivors;
    std::vector<Client> moved;
    for (const Client& client : clients) {
        if (client.instance != drained) {
            survivors.push_back(client);
            continue;
        }
        ASSERT_TRUE(client.connection->wait_closed(kDelivery)) << client.connection->describe();
        EXPECT_EQ(client.connection->remote_close_code(), 1001) << client.connection->describe();
        EXPECT_EQ(client.connection->remote_close_reason(), kDrainReason)
            << client.connection->describe();
        // It reconnects through the load balancer and lands on another instance.
        const Client again = connect_client();
        EXPECT_NE(again.instance, drained) << again.session;
        EXPECT_NE(again.session, client.session);
        moved.push_back(again);
    }
    const std::optional<int> status = instance(drained).wait_exit(kDelivery);
    ASSERT_TRUE(status.has_value()) << "instance " << drained << " still runs after SIGTERM";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << ChildProcess::describe_wait_status(*status);

    publisher_b().publish("bcast/after", "after", 1);
    publisher_b().publish("bcast/end", "end", 1);
    for (const Client& client : moved) {
        EXPECT_TRUE(ReceivesMessages(
            client, {{"bcast/after", json_string("after")}, {"bcast/end", json_string("end")}}));
    }
    // The others saw nothing of it: still open, nothing lost, nothing extra.
    for (const Client& client : survivors) {
        EXPECT_EQ(client.connection->state(), WsConnection::State::open)
            << client.connection->describe();
        EXPECT_TRUE(ReceivesMessages(
            client, {{"bcast/after", json_string("after")}, {"bcast/end", json_string("end")}}));
        EXPECT_EQ(client.connection->message_count(), 4u) << client.connection->describe();
    }
}

}  // namespace
}  // namespace mwb::it
