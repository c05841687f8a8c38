#include "harness/flow_control_fixture.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "harness/json_text.hpp"

namespace mwb::it {
namespace {

// A waiting reader looks at the connection's state this often, so it stops early once the bridge
// has closed it. Only the reaction time to a close, never a condition.
constexpr auto kStateCheck = std::chrono::milliseconds(100);

// How many individual problems a failure message lists.
constexpr int kReportedProblems = 10;

bool finished(const WsConnection& connection) {
    const WsConnection::State state = connection.state();
    return state == WsConnection::State::closed || state == WsConnection::State::failed;
}

Deadline slice_of(const Deadline& deadline) {
    return Deadline(std::min<Clock::duration>(deadline.remaining(), kStateCheck));
}

}  // namespace

std::string NumberedMessages::topic(int index) const {
    if (digits <= 0) return topic_prefix + std::to_string(index);
    char number[32];
    std::snprintf(number, sizeof number, "%0*d", digits, index);
    return topic_prefix + number;
}

std::string NumberedMessages::payload(int index) const {
    std::string text = tag + "-" + std::to_string(index);
    if (payload_size <= text.size()) return text;
    text += '|';
    // Filler that differs from one index to the next, so a payload mixed up with another's is seen.
    for (std::size_t i = text.size(); i < payload_size; ++i) {
        text += static_cast<char>('a' + (static_cast<std::size_t>(index) + i) % 26);
    }
    return text;
}

std::optional<int> NumberedMessages::index_of(const std::string& text) const {
    const std::string head = tag + "-";
    if (text.compare(0, head.size(), head) != 0) return std::nullopt;
    std::size_t end = text.find('|', head.size());
    if (end == std::string::npos) end = text.size();
    if (end == head.size() || end - head.size() > 9) return std::nullopt;
    int index = 0;
    for (std::size_t i = head.size(); i < end; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        index = index * 10 + (text[i] - '0');
    }
    if (index >= count) return std::nullopt;
    return index;
}

void FlowControlTest::start_with_retained_set(const NumberedMessages& set,
                                              std::vector<std::string> bridge_args) {
    start_broker();
    start_publisher();
    for (int i = 0; i < set.count; ++i) {
        publisher().publish(set.topic(i), set.payload(i), i + 1 == set.count ? 1 : 0, true);
    }
    bridge_args.push_back("--threads");
    bridge_args.push_back(std::to_string(kShards));
    start_bridge(bridge_args);
}

::testing::AssertionResult FlowControlTest::EveryShardCaughtUp(const Deadline& deadline) {
    if (probes_.empty()) probes_ = connect_on_every_shard("/ws?topic=sync");
    return EveryShardSaw(probes_, "sync", "caught-up-" + std::to_string(++markers_), deadline);
}

void FlowControlTest::publish_series(const NumberedMessages& series) {
    for (int i = 0; i < series.count; ++i) publisher().publish(series.topic(i), series.payload(i));
}

std::optional<WsFrame> FlowControlTest::NextFrameWhileOpen(WsConnection& connection,
                                                           const Deadline& deadline) {
    for (;;) {
        const bool was_finished = finished(connection);
        if (std::optional<WsFrame> frame = connection.next_message(slice_of(deadline))) {
            return frame;
        }
        // Closed before the (empty) look: every frame it will ever hold was there to read.
        if (was_finished || deadline.expired()) return std::nullopt;
    }
}

bool FlowControlTest::WaitForFramesWhileOpen(WsConnection& connection, std::size_t count,
                                             const Deadline& deadline) {
    for (;;) {
        const bool was_finished = finished(connection);
        if (connection.wait_for_messages(count, slice_of(deadline))) return true;
        if (was_finished || deadline.expired()) return false;
    }
}

std::optional<Delivery> FlowControlTest::NextDelivery(WsConnection& connection, FrameForm form,
                                                      const Deadline& deadline,
                                                      std::string& error) {
    for (;;) {
        std::optional<WsFrame> frame = NextFrameWhileOpen(connection, deadline);
        if (!frame) {
            error = (finished(connection) ? "the connection ended: " : "timed out: ") +
                    connection.describe();
            return std::nullopt;
        }
        Delivery delivery;
        delivery.binary = frame->binary;
        if (form == FrameForm::plain) {
            delivery.payload = std::move(frame->payload);
            return delivery;
        }
        if (frame->binary || !JsonText::is_json(frame->payload)) {
            error = "expected a JSON text frame, got " +
                    std::string(frame->binary ? "a binary" : "a text") + " frame of " +
                    std::to_string(frame->payload.size()) + " bytes starting '" +
                    frame->payload.substr(0, 80) + "'";
            return std::nullopt;
        }
        const rapidjson::Document json = JsonText::parse(frame->payload);
        if (!json.IsObject()) {
            error = "expected a JSON object, got '" + frame->payload.substr(0, 200) + "'";
            return std::nullopt;
        }
        if (form == FrameForm::envelope) {
            const std::string type = JsonText::string_member(json, "type");
            if (type == "status") continue;  // broker link notices may come at any time
            if (type != "message") {
                error = "expected a message envelope, got '" + frame->payload.substr(0, 200) + "'";
                return std::nullopt;
            }
        }
        delivery.topic = JsonText::string_member(json, "topic");
        delivery.encoding = JsonText::string_member(json, "payloadEncoding");
        if (json.HasMember("payload")) {
            delivery.payload =
                json["payload"].IsString()
                    ? std::string(json["payload"].GetString(), json["payload"].GetStringLength())
                    : JsonText::serialize(json["payload"]);
        }
        if (json.HasMember("retain") && json["retain"].IsBool()) {
            delivery.retain = json["retain"].GetBool();
        }
        return delivery;
    }
}

::testing::AssertionResult FlowControlTest::ReceivesEachOnce(
    WsConnection& connection, FrameForm form, const std::vector<ExpectedSeries>& expected,
    const Deadline& deadline) {
    std::size_t total = 0;
    for (const auto& series : expected) total += static_cast<std::size_t>(series.messages->count);
    std::vector<std::vector<bool>> seen;
    std::vector<int> received(expected.size(), 0);
    std::vector<int> next_live(expected.size(), 0);
    for (const auto& series : expected) seen.emplace_back(series.messages->count, false);

    int problems = 0;
    std::ostringstream report;
    std::ostringstream unreported;  // problems past the first few are counted, not listed
    const auto problem = [&]() -> std::ostream& {
        ++problems;
        if (problems > kReportedProblems) return unreported;
        return report << "\n  ";
    };
    const auto tally = [&] {
        std::ostringstream out;
        for (std::size_t k = 0; k < expected.size(); ++k) {
            out << (k ? ", " : "") << received[k] << "/" << expected[k].messages->count << " "
                << expected[k].messages->tag;
        }
        return out.str();
    };

    for (std::size_t n = 0; n < total; ++n) {
        std::string error;
        std::optional<Delivery> delivery = NextDelivery(connection, form, deadline, error);
        if (!delivery) {
            return ::testing::AssertionFailure()
                   << "after " << n << " of " << total << " deliveries (" << tally()
                   << "): " << error << report.str();
        }
        bool matched = false;
        for (std::size_t k = 0; k < expected.size() && !matched; ++k) {
            const NumberedMessages& series = *expected[k].messages;
            const std::optional<int> index = series.index_of(delivery->payload);
            if (!index) continue;
            matched = true;
            ++received[k];
            const std::string name = series.topic(*index);
            if (delivery->binary || delivery->payload != series.payload(*index)) {
                problem() << "delivery " << n << ": the payload of " << name << " differs ("
                          << delivery->payload.size() << " bytes"
                          << (delivery->binary ? ", binary frame" : "") << ")";
            }
            if (form != FrameForm::plain) {
                if (delivery->topic != name) {
                    problem() << "delivery " << n << ": the payload of " << name
                              << " came with the topic '" << delivery->topic << "'";
                }
                if (delivery->retain != expected[k].retained) {
                    problem() << "delivery " << n << ": " << name << " is not flagged retain: "
                              << (expected[k].retained ? "true" : "false");
                }
            }
            if (seen[k][static_cast<std::size_t>(*index)]) {
                problem() << "delivery " << n << ": " << name << " received twice";
            }
            seen[k][static_cast<std::size_t>(*index)] = true;
            if (!expected[k].retained) {
                if (*index != next_live[k]) {
                    problem() << "delivery " << n << ": " << name << " came when "
                              << series.topic(next_live[k]) << " was next";
                }
                next_live[k] = *index + 1;
            }
        }
        if (!matched) {
            problem() << "delivery " << n << ": unexpected " << delivery->payload.size()
                      << " bytes '" << delivery->payload.substr(0, 80) << "' on '"
                      << delivery->topic << "'";
        }
    }
    for (std::size_t k = 0; k < expected.size(); ++k) {
        const auto missing = std::count(seen[k].begin(), seen[k].end(), false);
        if (missing == 0) continue;
        std::ostream& out = problem();
        out << missing << " of the " << expected[k].messages->count << " "
            << expected[k].messages->tag << " messages never came, e.g.";
        int listed = 0;
        for (std::size_t i = 0; i < seen[k].size() && listed < 5; ++i) {
            if (!seen[k][i]) {
                out << " " << expected[k].messages->topic(static_cast<int>(i));
                ++listed;
            }
        }
    }
    if (problems == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << problems << " problem(s) in " << total << " deliveries (" << tally() << ") on "
           << connection.describe() << ":" << report.str();
}

::testing::AssertionResult FlowControlTest::NextIsFreshMessage(WsConnection& connection,
                                                               FrameForm form,
                                                               const std::string& topic,
                                                               const std::string& payload,
                                                               const Deadline& deadline) {
    publisher().publish(topic, payload);
    std::string error;
    std::optional<Delivery> delivery = NextDelivery(connection, form, deadline, error);
    if (!delivery) {
        return ::testing::AssertionFailure()
               << "'" << payload << "' published on " << topic << " did not come: " << error;
    }
    const bool topic_ok = form == FrameForm::plain || delivery->topic == topic;
    if (!delivery->binary && delivery->payload == payload && topic_ok &&
        connection.state() == WsConnection::State::open) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "expected '" << payload << "' on " << topic << " next, got "
           << delivery->payload.size() << " bytes '" << delivery->payload.substr(0, 80) << "' on '"
           << delivery->topic << "'; " << connection.describe();
}

}  // namespace mwb::it
