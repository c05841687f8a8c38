#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/deadline.hpp"
#include "harness/session_fixture.hpp"
#include "harness/ws_connection.hpp"

namespace mwb::it {

// A numbered series of MQTT messages whose every topic and payload can be told apart and checked:
// message i has the topic <topic_prefix><i> (zero-padded to `digits`; unpadded when 0) and the
// payload "<tag>-<i>", padded with '|' and filler that depends on i up to `payload_size` bytes.
// The payloads are text that is not JSON, so a plain client receives them unchanged as text frames
// and msg objects carry them as JSON strings.
struct NumberedMessages {
    std::string topic_prefix;
    std::string tag;
    int count = 0;
    int digits = 0;
    std::size_t payload_size = 0;

    std::string topic(int index) const;
    std::string payload(int index) const;
    // The index a payload names ("<tag>-<i>" up to '|' or its end); nullopt when it is not one of
    // this series' payloads.
    std::optional<int> index_of(const std::string& payload) const;
};

// How a client receives broker messages: the payload alone (plain mode), the whole msg as JSON
// (plain mode with --send msg), or protocol-mode "message" envelopes.
enum class FrameForm { plain, msg, envelope };

// A broker message as one client received it.
struct Delivery {
    bool binary = false;
    std::string topic;           // "" in plain form: the frame carries the payload only
    std::string payload;         // string payloads (base64 text for binary msg payloads)
    std::string encoding;        // msg forms: "payloadEncoding" ("base64" for bytes), else ""
    std::optional<bool> retain;  // msg forms only
};

// A series expected by one client, and how: retained ones (retain: true, any order) or live ones
// (retain: false, in publish order).
struct ExpectedSeries {
    const NumberedMessages* messages = nullptr;
    bool retained = false;
};

// SessionTest plus what the flow-control tests share: large retained sets that exist before the
// bridge starts, a way to know every delivery thread has cached them, and checks that read a
// client's frames without waiting for a deadline once the bridge has closed it.
class FlowControlTest : public SessionTest {
  protected:
    // Starts the broker and the publisher, publishes every message of `set` retained, and only
    // then starts the bridge with `bridge_args` plus `--threads <kShards>`. The messages go out at
    // QoS 0 and the last one at QoS 1: its acknowledgement means the broker has stored them all.
    void start_with_retained_set(const NumberedMessages& set, std::vector<std::string> bridge_args);

    // Waits until every delivery thread has handled everything the broker sent the bridge so far
    // (the broker's retained messages at start included): a probe client on each thread receives a
    // marker published now. The probes subscribe to "sync" only and stay connected.
    ::testing::AssertionResult EveryShardCaughtUp(const Deadline& deadline = kDelivery);

    // Publishes each message of `series` (not retained, QoS 0) in order.
    void publish_series(const NumberedMessages& series);

    // The next frame, waiting until the deadline, or until the connection is closed and every
    // frame it received has been consumed (unlike WsConnection::next_message, which waits for
    // the deadline on a closed connection).
    static std::optional<WsFrame> NextFrameWhileOpen(WsConnection& connection,
                                                     const Deadline& deadline);

    // True once `connection` holds at least `count` frames; false at the deadline or as soon as
    // the connection is closed with fewer.
    static bool WaitForFramesWhileOpen(WsConnection& connection, std::size_t count,
                                       const Deadline& deadline);

    // The next broker message on `connection` in `form` (protocol status notices skipped);
    // nullopt with `error` set when none comes or the frame is not one.
    static std::optional<Delivery> NextDelivery(WsConnection& connection, FrameForm form,
                                                const Deadline& deadline, std::string& error);

    // Reads exactly as many deliveries as `expected` holds messages and checks they are those
    // messages: every message of every series exactly once with its own payload (and, in msg
    // forms, its topic and retain flag), the live series each in publish order. The relative
    // order of different series is not checked. Fails early when the connection closes.
    static ::testing::AssertionResult ReceivesEachOnce(WsConnection& connection, FrameForm form,
                                                       const std::vector<ExpectedSeries>& expected,
                                                       const Deadline& deadline);

    // Publishes `payload` on `topic` (not retained) and checks the next delivery is that message:
    // nothing else was queued for the client before it, and the connection is open and live.
    ::testing::AssertionResult NextIsFreshMessage(WsConnection& connection, FrameForm form,
                                                  const std::string& topic,
                                                  const std::string& payload,
                                                  const Deadline& deadline = kDelivery);

  private:
    std::vector<WsConnection*> probes_;
    int markers_ = 0;
};

}  // namespace mwb::it
