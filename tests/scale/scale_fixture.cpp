#include "scale_fixture.hpp"

#include <stdexcept>

#include "harness/bridge_metrics.hpp"
#include "harness/json_text.hpp"
#include "harness/mqtt_subscriber.hpp"

namespace mwb::it {
namespace {

constexpr int kFederationProbes = 100;
constexpr auto kFederationProbeWait = std::chrono::milliseconds(200);

std::string instance_of(const std::string& session) {
    return session.substr(0, session.find('.'));
}

}  // namespace

const std::vector<std::string>& ScaleTest::instance_ids() {
    static const std::vector<std::string> ids{"a1", "a2", "b1"};
    return ids;
}

void ScaleTest::SetUp() {
    broker_b_ = std::make_unique<MosquittoProcess>();
    broker_a_ = std::make_unique<MosquittoProcess>(
        MosquittoProcess::bridge_to(broker_b_->port(), "a-to-b"));
    publisher_a_ = std::make_unique<MqttPublisher>(broker_a_->url());
    publisher_b_ = std::make_unique<MqttPublisher>(broker_b_->url());
    wait_federated();

    std::vector<std::uint16_t> ports;
    for (const std::string& id : instance_ids()) {
        const MosquittoProcess& broker = id[0] == 'a' ? *broker_a_ : *broker_b_;
        instances_[id] = std::make_unique<BridgeProcess>(
            broker.port(), std::vector<std::string>{"--instance-id", id, "--threads", "2",
                                                    "--subscribe", "bcast/#", "--subscribe",
                                                    "notice/#", "--allow-publish", "app/#"});
        ports.push_back(instances_[id]->port());
    }
    nginx_ = std::make_unique<NginxProcess>(ports);
    pool_ = std::make_unique<WsClientPool>();
}

void ScaleTest::TearDown() {
    pool_.reset();
    nginx_.reset();
    instances_.clear();
    publisher_a_.reset();
    publisher_b_.reset();
    broker_a_.reset();
    broker_b_.reset();
    SessionTest::TearDown();
}

void ScaleTest::wait_federated() {
    const auto crosses = [](MqttPublisher& from, const MosquittoProcess& to,
                            const std::string& topic) {
        MqttSubscriber observer(to.url());
        observer.subscribe(topic, 1);
        for (int probe = 0; probe < kFederationProbes; ++probe) {
            from.publish(topic, "probe", 1);
            if (observer.next_message(kFederationProbeWait)) return true;
        }
        return false;
    };
    if (!crosses(*publisher_b_, *broker_a_, "scale/federation/b-to-a") ||
        !crosses(*publisher_a_, *broker_b_, "scale/federation/a-to-b")) {
        throw std::runtime_error("the Mosquitto bridge between A and B did not come up:\n" +
                                 broker_a_->log());
    }
}

ScaleTest::Client ScaleTest::connect_client(const std::string& resource) {
    Client client;
    client.connection = &pool_->connect_open(nginx_->ws_uri(resource), std::string(kProtocol));
    const rapidjson::Document welcome = NextProtocolFrame(*client.connection);
    client.session = JsonText::string_member(welcome, "session");
    if (JsonText::string_member(welcome, "type") != "welcome" ||
        client.session != client.connection->session_id()) {
        throw std::runtime_error("expected a welcome naming the X-Session-Id '" +
                                 client.connection->session_id() + "', got " +
                                 JsonText::serialize(welcome));
    }
    client.instance = instance_of(client.session);
    return client;
}

std::vector<ScaleTest::Client> ScaleTest::connect_clients(int count) {
    std::vector<Client> clients;
    for (int i = 0; i < count; ++i) clients.push_back(connect_client());
    return clients;
}

std::map<std::string, int> ScaleTest::per_instance(const std::vector<Client>& clients) {
    std::map<std::string, int> counts;
    for (const std::string& id : instance_ids()) counts[id] = 0;
    for (const Client& client : clients) ++counts[client.instance];
    return counts;
}

double ScaleTest::metric(const std::string& instance_id, const std::string& series) {
    const std::optional<double> value = BridgeMetrics::value(instance(instance_id).port(), series);
    if (!value) throw std::runtime_error(instance_id + ": no sample " + series + " in /metrics");
    return *value;
}

std::map<std::string, double> ScaleTest::metric_everywhere(const std::string& series) {
    std::map<std::string, double> values;
    for (const std::string& id : instance_ids()) {
        if (instance(id).running()) values[id] = metric(id, series);
    }
    return values;
}

::testing::AssertionResult ScaleTest::ReceivesMessages(
    const Client& client, const std::vector<std::pair<std::string, std::string>>& expected) {
    for (const auto& [topic, payload_json] : expected) {
        rapidjson::Document frame;
        try {
            frame = NextProtocolFrame(*client.connection);
        } catch (const std::exception& e) {
            return ::testing::AssertionFailure() << client.session << ": " << e.what();
        }
        if (JsonText::string_member(frame, "type") != "message") {
            return ::testing::AssertionFailure()
                   << client.session << ": expected a message, got " << JsonText::serialize(frame);
        }
        if (::testing::AssertionResult same = IsMsg(frame, topic, payload_json); !same) {
            return same << " (session " << client.session << ")";
        }
    }
    return ::testing::AssertionSuccess();
}

}  // namespace mwb::it
