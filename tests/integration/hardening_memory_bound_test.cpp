// The size flags bound memory, not only what is delivered:
//   --max-payload       with MQTT 5 the broker is told the largest packet the bridge takes, so a
//                       message far over it never reaches the bridge's memory at all
//   --max-message-size  a client frame of that size, however many JSON values it packs, costs a
//                       small multiple of its size while it is handled (the frame, its payload
//                       and the MQTT client's copy), and the memory goes back afterwards

#include <cstdint>
#include <iostream>
#include <string>

#include "harness/bridge_test.hpp"
#include "harness/json_text.hpp"
#include "harness/mqtt_subscriber.hpp"
#include "harness/rss_sampler.hpp"
#include "harness/sanitized_bridge.hpp"

namespace mwb::it {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

double mib(std::uint64_t bytes) {
    return static_cast<double>(bytes) / kMiB;
}

class HardeningMemoryBoundTest : public BridgeTest {};

TEST_F(HardeningMemoryBoundTest, MessageFarOverMaxPayloadNeverReachesTheBridgesMemory) {
    start();  // --max-payload 1MiB, MQTT 5
    WsConnection& client = connect("/ws/big/%23");
    const std::uint64_t before = settled_rss(bridge().pid(), std::chrono::seconds(10));
    ASSERT_GT(before, 0u) << "cannot read VmRSS of the bridge";
    RssSampler rss(bridge().pid());

    const std::uint64_t huge = 24 * kMiB;
    publisher().publish("big/huge", std::string(huge, 'h'), 1);
    publisher().publish("big/marker", "marker", 1);
    // The marker was published after the huge message: once it is here, the huge one was
    // either dropped by the broker or by the bridge.
    EXPECT_TRUE(ReceivesTexts(client, {"marker"}));
    rss.stop();

    std::cout << "[          ] bridge VmRSS " << mib(before) << " MiB before, peak "
              << mib(rss.peak()) << " MiB around a " << mib(huge) << " MiB message\n";
    EXPECT_LT(rss.peak(), before + 8 * kMiB)
        << "the bridge's VmRSS grew from " << mib(before) << " MiB to " << mib(rss.peak())
        << " MiB for a message it drops";
    EXPECT_EQ(client.state(), WsConnection::State::open) << client.describe();
}

// {"op":"publish",...,"payload":{"k0000000":0,...}}: `keys` members, about 14 bytes each.
std::string publish_of_many_keys(std::size_t keys) {
    std::string frame = R"({"op":"publish","id":1,"topic":"big/keys","payload":{)";
    frame.reserve(keys * 14 + 64);
    char key[16];
    for (std::size_t i = 0; i < keys; ++i) {
        std::snprintf(key, sizeof key, "%s\"k%07zu\":0", i == 0 ? "" : ",", i);
        frame += key;
    }
    return frame + "}}";
}

TEST_F(HardeningMemoryBoundTest, FrameOfAMillionKeysCostsASmallMultipleOfItsSizeAndIsGivenBack) {
    start({"--max-message-size", "16MiB", "--allow-publish", "big/#"});
    WsConnection& client = connect_protocol();
    const std::string frame = publish_of_many_keys(1'000'000);
    const std::uint64_t before = settled_rss(bridge().pid(), std::chrono::seconds(10));
    ASSERT_GT(before, 0u) << "cannot read VmRSS of the bridge";
    RssSampler rss(bridge().pid());

    // Twice: after the first, the allocator has seen blocks of these sizes come and go.
    for (int round = 0; round < 2; ++round) {
        client.send_text(frame);
        rapidjson::Document answer = NextProtocolFrame(client, std::chrono::seconds(60));
        EXPECT_EQ(JsonText::string_member(answer, "type"), "ack") << JsonText::serialize(answer);
    }
    rss.stop();
    const std::uint64_t after = settled_rss(bridge().pid(), std::chrono::seconds(20));

    const std::uint64_t size = frame.size();
    std::cout << "[          ] a " << mib(size) << " MiB frame: bridge VmRSS " << mib(before)
              << " MiB before, peak " << mib(rss.peak()) << " MiB, settled " << mib(after)
              << " MiB\n";
    if (kBridgeSanitized) {
        std::cout
            << "[          ] sanitized bridge: its allocator keeps freed memory; not checked\n";
        return;
    }
    EXPECT_LT(rss.peak(), before + 4 * size)
        << "parsing a " << mib(size) << " MiB frame took the bridge from " << mib(before)
        << " MiB to " << mib(rss.peak()) << " MiB";
    EXPECT_LT(after, before + size) << "after a " << mib(size) << " MiB frame the bridge kept "
                                    << mib(after - before) << " MiB";
}

}  // namespace
}  // namespace mwb::it
