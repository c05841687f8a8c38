// How a replay's cost grows with what is stored: one filter (a/b/#) matching
// 10 topics, with 0 … 1,000,000 unrelated retained topics beside them. The
// retained store is a tree walked by the filter, so the time to replay the 10
// should not follow the unrelated ones. Also a whole-store replay (#) per
// entry, for scale. Reported by Google Benchmark; nothing is asserted.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "mqttws/message.hpp"
#include "mqttws/retained_cache.hpp"

namespace {

struct Stored {
    mqttws::Message msg;
    const mqttws::Message& message() const { return msg; }
};
using Entry = std::shared_ptr<const Stored>;
using Cache = mqttws::RetainedCache<Entry>;

Entry retained(std::string topic) {
    auto out = std::make_shared<Stored>();
    out->msg.topic = out->msg.mqtt_topic = std::move(topic);
    out->msg.payload = std::string(100, 'p');
    out->msg.retain = true;
    return out;
}

// Unrelated topics spread like device telemetry: site/<n/1000>/dev/<n>/temp.
std::unique_ptr<Cache> store_with(std::int64_t unrelated) {
    auto cache = std::make_unique<Cache>(mqttws::RetainedLimits{3'000'000, UINT64_MAX});
    for (std::int64_t i = 0; i < unrelated; ++i) {
        cache->update(
            retained("site/" + std::to_string(i / 1000) + "/dev/" + std::to_string(i) + "/temp"));
    }
    for (int i = 0; i < 10; ++i) cache->update(retained("a/b/" + std::to_string(i)));
    return cache;
}

void ReplayOfTenMatches(benchmark::State& state) {
    const auto cache = store_with(state.range(0));
    for (auto _ : state) {
        mqttws::RetainedCursor cursor = cache->replay({"a/b/#"}, {});
        int yielded = 0;
        while (cache->next(cursor)) ++yielded;
        if (yielded != 10) state.SkipWithError("the replay did not yield the 10 matches");
        benchmark::DoNotOptimize(yielded);
    }
    state.counters["stored"] = static_cast<double>(cache->size());
}
BENCHMARK(ReplayOfTenMatches)
    ->Arg(0)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMicrosecond);

// As the bridge's replays read it: 32 entries per walk.
void ReplayOfEverythingPerEntry(benchmark::State& state) {
    const auto cache = store_with(state.range(0));
    std::vector<const Entry*> batch;
    for (auto _ : state) {
        mqttws::RetainedCursor cursor = cache->replay({"#"}, {});
        std::int64_t yielded = 0;
        do {
            cache->next_batch(cursor, batch, 32);
            yielded += static_cast<std::int64_t>(batch.size());
        } while (!batch.empty());
        benchmark::DoNotOptimize(yielded);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(cache->size()));
}
BENCHMARK(ReplayOfEverythingPerEntry)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
