#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/bridge_process.hpp"
#include "harness/mosquitto_process.hpp"
#include "harness/mqtt_publisher.hpp"
#include "harness/nginx_process.hpp"
#include "harness/session_fixture.hpp"
#include "harness/ws_client_pool.hpp"

namespace mwb::it {

// The scale-out topology, all real processes on loopback:
//
//   clients ──► nginx (round-robin) ──┬──► bridge a1 ──┐
//                                     ├──► bridge a2 ──┴──► Mosquitto A ──bridge──► Mosquitto B
//                                     └──► bridge b1 ─────────────────────────────────┘
//
// Mosquitto A carries a Mosquitto bridge to B (`topic # both 0`, MQTT 5), configured on A only.
// Test backends and publishers talk to broker B. It reuses SessionTest's frame checks only;
// its single-broker helpers (broker(), publisher(), mqtt_subscriber(), ...) are not set up.
class ScaleTest : public SessionTest {
  protected:
    static constexpr int kClients = 30;
    static constexpr const char* kDrainReason = "server draining: reconnect";

    // A protocol-mode client connected through nginx.
    struct Client {
        WsConnection* connection = nullptr;
        std::string session;
        std::string instance;  // from the session id
    };

    void SetUp() override;
    void TearDown() override;

    MosquittoProcess& broker_a() { return *broker_a_; }
    MosquittoProcess& broker_b() { return *broker_b_; }
    MqttPublisher& publisher_b() { return *publisher_b_; }
    NginxProcess& nginx() { return *nginx_; }
    BridgeProcess& instance(const std::string& id) { return *instances_.at(id); }
    static const std::vector<std::string>& instance_ids();

    // Connects through nginx in protocol mode at `resource` and reads the welcome (whose
    // session must equal the X-Session-Id header).
    Client connect_client(const std::string& resource = "/ws/bcast/%23");
    std::vector<Client> connect_clients(int count);
    // How many of `clients` each instance holds.
    static std::map<std::string, int> per_instance(const std::vector<Client>& clients);

    // One sample of an instance's GET /metrics; throws when it cannot be read.
    double metric(const std::string& instance_id, const std::string& series);
    // The sample on every instance still running.
    std::map<std::string, double> metric_everywhere(const std::string& series);

    // Reads the client's next frames (status notices skipped): exactly these messages, in order,
    // as (topic, payload as JSON).
    static ::testing::AssertionResult ReceivesMessages(
        const Client& client, const std::vector<std::pair<std::string, std::string>>& expected);

  private:
    // Probes each direction of the federation until a message crosses (bounded).
    void wait_federated();

    std::unique_ptr<MosquittoProcess> broker_b_;
    std::unique_ptr<MosquittoProcess> broker_a_;
    std::unique_ptr<MqttPublisher> publisher_a_;
    std::unique_ptr<MqttPublisher> publisher_b_;
    std::map<std::string, std::unique_ptr<BridgeProcess>> instances_;
    std::unique_ptr<NginxProcess> nginx_;
    std::unique_ptr<WsClientPool> pool_;
};

}  // namespace mwb::it
