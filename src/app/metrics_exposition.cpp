#include "app/metrics_exposition.hpp"

#include <chrono>
#include <utility>

#include "log/async_line_sink.hpp"
#include "mqttws/prometheus_text.hpp"

namespace mqttws::app {

using ws::Counters;

std::string render_metrics(const ws::ServerState& state, const mqtt::LinkCounters& link,
                           const std::vector<const Counters*>& shards,
                           const ws::RetainedStore& retained, const ws::HistoryLog& history) {
    auto sum = [&](Counter Counters::*field) {
        std::uint64_t total = 0;
        for (const Counters* shard : shards) {
            total += (shard->*field).load(std::memory_order_relaxed);
        }
        return total;
    };
    auto read = [](const Counter& counter) { return counter.load(std::memory_order_relaxed); };
    PrometheusText out;
    out.family("mwb_build_info", "gauge", "Always 1; the version label says which build runs.");
    out.sample("mwb_build_info", std::uint64_t{1}, {{"version", MWB_VERSION}});
    out.family("process_start_time_seconds", "gauge",
               "Start time of the process since the Unix epoch, in seconds.");
    out.sample("process_start_time_seconds",
               std::chrono::duration<double>(state.started_wall.time_since_epoch()).count());
    out.family("mwb_clients", "gauge", "WebSocket clients connected now.");
    out.sample("mwb_clients", sum(&Counters::clients));
    out.family("mwb_subscriptions", "gauge", "Topic filters held by connected clients.");
    out.sample("mwb_subscriptions", sum(&Counters::subscriptions));
    out.family("mwb_connections_total", "counter", "WebSocket handshakes by result.");
    out.sample("mwb_connections_total", sum(&Counters::connections_accepted),
               {{"result", "accepted"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_not_found),
               {{"result", "refused"}, {"reason", "not_found"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_bad_request),
               {{"result", "refused"}, {"reason", "bad_request"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_shutting_down),
               {{"result", "refused"}, {"reason", "shutting_down"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_too_many),
               {{"result", "refused"}, {"reason", "too_many_connections"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_unauthorized),
               {{"result", "refused"}, {"reason", "unauthorized"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_forbidden),
               {{"result", "refused"}, {"reason", "forbidden"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_origin),
               {{"result", "refused"}, {"reason", "origin"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_out_of_descriptors),
               {{"result", "refused"}, {"reason", "out_of_descriptors"}});
    out.family("mwb_mqtt_messages_total", "counter", "Messages received from the broker.");
    out.sample("mwb_mqtt_messages_total", read(link.messages));
    out.family("mwb_deliveries_total", "counter", "Frames handed to WebSocket connections.");
    out.sample("mwb_deliveries_total", sum(&Counters::deliveries));
    out.family("mwb_bytes_out_total", "counter",
               "Payload bytes of the frames handed to WebSocket connections.");
    out.sample("mwb_bytes_out_total", sum(&Counters::bytes_out));
    out.family("mwb_dropped_total", "counter", "Messages or deliveries not made, by reason.");
    out.sample("mwb_dropped_total", sum(&Counters::dropped_unknown_session),
               {{"reason", "unknown_session"}});
    out.sample("mwb_dropped_total", read(link.dropped_payload), {{"reason", "invalid_payload"}});
    out.sample("mwb_dropped_total", read(link.dropped_events), {{"reason", "events_topic"}});
    out.sample("mwb_dropped_total", read(link.dropped_session_type), {{"reason", "session_type"}});
    out.sample("mwb_dropped_total", sum(&Counters::dropped_slow), {{"reason", "slow_client"}});
    out.sample("mwb_dropped_total", read(link.dropped_too_large), {{"reason", "too_large"}});
    out.sample("mwb_dropped_total", sum(&Counters::dropped_acl), {{"reason", "acl"}});
    out.sample("mwb_dropped_total", sum(&Counters::dropped_not_local), {{"reason", "not_local"}});
    out.family("mwb_slow_client_closes_total", "counter",
               "Clients closed (1008) for queueing more than --max-buffered-bytes.");
    out.sample("mwb_slow_client_closes_total", sum(&Counters::closed_slow));
    out.family("mwb_client_publishes_total", "counter", "Client messages to MQTT, by result.");
    out.sample("mwb_client_publishes_total", sum(&Counters::publish_ok), {{"result", "published"}});
    for (const auto& [field, reason] :
         {std::pair{&Counters::publish_refused_not_allowed, "not_allowed"},
          std::pair{&Counters::publish_refused_invalid, "invalid"},
          std::pair{&Counters::publish_refused_not_supported, "not_supported"}}) {
        out.sample("mwb_client_publishes_total", sum(field),
                   {{"result", "refused"}, {"reason", reason}});
    }
    out.sample("mwb_client_publishes_total", sum(&Counters::publish_failed),
               {{"result", "failed"}});
    out.family("mwb_protocol_errors_total", "counter", "Malformed or refused protocol frames.");
    out.sample("mwb_protocol_errors_total", sum(&Counters::protocol_errors));
    out.family("mwb_retained_cache_full_total", "counter",
               "Retained messages not kept: larger than --retained-bytes alone.");
    out.sample("mwb_retained_cache_full_total", std::uint64_t{retained.refused()});
    out.family("mwb_retained_messages", "gauge", "Topics whose retained message is kept.");
    out.sample("mwb_retained_messages", std::uint64_t{retained.size()});
    out.family("mwb_retained_bytes", "gauge",
               "Bytes the kept retained messages count against --retained-bytes.");
    out.sample("mwb_retained_bytes", retained.bytes());
    out.family("mwb_retained_dropped_total", "counter",
               "Retained messages dropped from the store, by reason.");
    out.sample("mwb_retained_dropped_total", retained.evicted(), {{"reason", "evicted"}});
    out.sample("mwb_retained_dropped_total", retained.expired(), {{"reason", "expired"}});
    out.sample("mwb_retained_dropped_total", retained.resynced_out(),
               {{"reason", "not_on_broker"}});
    const HistoryCounters kept = history.counters();
    out.family("mwb_history_messages", "gauge", "Messages kept for recovery (--history).");
    out.sample("mwb_history_messages", std::uint64_t{history.messages()});
    out.family("mwb_history_bytes", "gauge",
               "Bytes the kept messages count against --history-memory.");
    out.sample("mwb_history_bytes", history.bytes());
    out.family("mwb_history_dropped_total", "counter",
               "Kept messages dropped from the history, by reason.");
    out.sample("mwb_history_dropped_total", kept.trimmed, {{"reason", "trimmed"}});
    out.sample("mwb_history_dropped_total", kept.expired, {{"reason", "expired"}});
    out.sample("mwb_history_dropped_total", kept.evicted, {{"reason", "evicted"}});
    out.family("mwb_history_streams_evicted_total", "counter",
               "Topics whose stream (epoch and offset) went to make room; they restart with a "
               "new epoch.");
    out.sample("mwb_history_streams_evicted_total", kept.streams_evicted);
    out.family("mwb_recoveries_total", "counter",
               "Subscriptions that passed back positions, by whether all they missed was given.");
    out.sample("mwb_recoveries_total", sum(&Counters::recoveries_succeeded),
               {{"result", "recovered"}});
    out.sample("mwb_recoveries_total", sum(&Counters::recoveries_failed),
               {{"result", "not_recovered"}});
    out.family("mwb_mqtt_reconnects_total", "counter", "Broker link re-established after a loss.");
    out.sample("mwb_mqtt_reconnects_total", read(link.reconnects));
    out.family("mwb_log_dropped_total", "counter",
               "Log lines not written: stderr was not read fast enough.");
    out.sample("mwb_log_dropped_total", log::dropped_lines());
    out.family("mwb_mqtt_connected", "gauge", "1 when the broker link is up and subscribed.");
    out.sample("mwb_mqtt_connected",
               std::uint64_t{state.mqtt_connected.load(std::memory_order_relaxed) ? 1u : 0u});

    LatencyHistogram::Snapshot latency;
    for (const Counters* shard : shards) latency += shard->delivery_latency.snapshot();
    out.histogram("mwb_delivery_latency_seconds",
                  "From a broker message's arrival to its frame handed to a client's connection.",
                  {LatencyHistogram::upper_bounds.begin(), LatencyHistogram::upper_bounds.end()},
                  {latency.buckets.begin(), latency.buckets.end()},
                  static_cast<double>(latency.sum_ns) / 1e9);
    return out.text();
}

}  // namespace mqttws::app
