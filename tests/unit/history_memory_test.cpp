// --history-memory bounds what the history counts, so the count must cover
// what a kept message really holds on the heap: the decoded message, its
// split topic, the frames built for its live delivery, and the store's own
// bookkeeping. This binary counts every operator new (with glibc's chunk
// rounding) to compare the two without sockets.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>

#include "ws/history_log.hpp"
#include "ws/retained_store.hpp"

namespace {

std::atomic<std::int64_t> heap_bytes{0};

// What glibc's malloc takes for a request: an 8-byte header, 16-byte steps,
// 32 bytes at least.
std::int64_t chunk_size(std::size_t n) {
    const std::size_t chunk = (n + 8 + 15) & ~std::size_t{15};
    return static_cast<std::int64_t>(chunk < 32 ? 32 : chunk);
}

// Each block carries its requested size in front of it.
constexpr std::size_t header = 16;

}  // namespace

void* operator new(std::size_t n) {
    void* block = std::malloc(n + header);
    if (!block) throw std::bad_alloc();
    *static_cast<std::size_t*>(block) = n;
    heap_bytes += chunk_size(n);
    return static_cast<char*>(block) + header;
}

// GCC sees free() of what operator new returned; it is the block in front of it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#pragma GCC diagnostic ignored "-Warray-bounds"
void operator delete(void* p) noexcept {
    if (!p) return;
    void* block = static_cast<char*>(p) - header;
    heap_bytes -= chunk_size(*static_cast<std::size_t*>(block));
    std::free(block);
}
#pragma GCC diagnostic pop

void operator delete(void* p, std::size_t) noexcept {
    operator delete(p);
}

namespace mqttws::ws {
namespace {

std::shared_ptr<OutboundMessage> decoded(std::string topic, std::size_t payload_size, int i) {
    auto msg = std::make_shared<Message>();
    msg->mqtt_topic = topic;
    msg->topic = std::move(topic);
    msg->payload = std::string(payload_size, 'p');
    msg->kind = PayloadKind::string;
    msg->msgid = std::string(16, static_cast<char>('a' + i % 16));  // as MessageIdGenerator's
    return std::make_shared<OutboundMessage>(std::move(msg));
}

// Keeps `count` messages on `topics` topics, each with the frames of every
// wire form built (as when plain, msg and protocol clients all got it live);
// returns the heap they hold and what the history counts for them.
std::pair<std::int64_t, std::uint64_t> keep(std::size_t payload_size, int topics, int count) {
    HistoryLimits limits;
    limits.messages = 1000;
    limits.ttl = std::chrono::milliseconds(0);
    limits.max_bytes = 1ull << 40;
    auto log = std::make_unique<HistoryLog>(limits, 1);
    const std::int64_t before = heap_bytes;
    for (int i = 0; i < count; ++i) {
        const auto outbound = decoded(
            "devices/" + std::to_string(1000 + i % topics) + "/temperature", payload_size, i);
        log->append(outbound, [] {});
        for (const WireForm form : {WireForm::payload, WireForm::msg_json, WireForm::envelope}) {
            outbound->frame(form);
        }
    }
    return {heap_bytes - before, log->bytes()};
}

TEST(HistoryMemoryTest, TheCountCoversWhatKeptMessagesHoldWithoutOverstatingIt) {
    for (const std::size_t payload : {16u, 100u, 1000u}) {
        for (const int topics : {10, 1000}) {
            const auto [held, counted] = keep(payload, topics, 10000);
            ASSERT_GT(held, 0);
            const double ratio = static_cast<double>(counted) / static_cast<double>(held);
            EXPECT_GE(ratio, 1.0) << payload << " B payloads on " << topics << " topics: counted "
                                  << counted << " B, held " << held << " B";
            EXPECT_LE(ratio, 1.5) << payload << " B payloads on " << topics << " topics: counted "
                                  << counted << " B, held " << held << " B";
        }
    }
}

// The same for the retained store and --retained-bytes: one message per topic,
// each topic a path of its own in the store's tree.
std::pair<std::int64_t, std::uint64_t> retain(std::size_t payload_size, int count) {
    auto store = std::make_unique<RetainedStore>(RetainedLimits{1u << 30, 1ull << 40});
    const std::int64_t before = heap_bytes;
    for (int i = 0; i < count; ++i) {
        auto outbound = decoded(
            "site/" + std::to_string(i % 7) + "/devices/" + std::to_string(100000 + i) + "/state",
            payload_size, i);
        const_cast<Message&>(outbound->message()).retain = true;
        store->update(outbound);
        for (const WireForm form : {WireForm::payload, WireForm::msg_json, WireForm::envelope}) {
            outbound->frame(form);
        }
    }
    return {heap_bytes - before, store->bytes()};
}

TEST(RetainedMemoryTest, TheCountCoversWhatRetainedMessagesHoldWithoutOverstatingIt) {
    for (const std::size_t payload : {16u, 100u, 1000u}) {
        const auto [held, counted] = retain(payload, 10000);
        ASSERT_GT(held, 0);
        const double ratio = static_cast<double>(counted) / static_cast<double>(held);
        EXPECT_GE(ratio, 1.0) << payload << " B payloads: counted " << counted << " B, held "
                              << held << " B";
        EXPECT_LE(ratio, 1.5) << payload << " B payloads: counted " << counted << " B, held "
                              << held << " B";
    }
}

}  // namespace
}  // namespace mqttws::ws
