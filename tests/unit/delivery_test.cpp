// Delivery without sockets: a fake SessionIo records every write, and the
// test decides whether the kernel took it at once or later.
#include "ws/delivery.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mqttws::ws {
namespace {

class FakeIo : public SessionIo {
  public:
    FrameWrite write(Session& session, const std::vector<FramePtr>& frames,
                     std::size_t& written) override {
        auto& log = writes[names.at(session.id())];
        log.emplace_back();
        for (const auto& frame : frames) log.back().push_back(frame->get_payload());
        written = 0;
        return takes_at_once ? FrameWrite::done : FrameWrite::pending;
    }
    void continue_later(Session& session) override { continued.push_back(names.at(session.id())); }
    bool kernel_has_room(const Session&) override { return room; }
    void close(Session& session, std::uint16_t code, const std::string&) override {
        closed[names.at(session.id())] = code;
    }
    bool ping(Session&) override { return true; }

    bool takes_at_once = true;
    bool room = false;
    // Session ids are the delivery's; tests name clients 1, 2, ...
    std::map<ClientId, int> names;
    std::map<int, std::vector<std::vector<std::string>>> writes;  // per client, per write
    std::vector<int> continued;
    std::map<int, std::uint16_t> closed;
};

std::shared_ptr<OutboundMessage> message(std::string topic, std::string payload,
                                         bool retain = false) {
    auto msg = std::make_shared<Message>();
    msg->mqtt_topic = topic;
    msg->topic = std::move(topic);
    msg->payload = std::move(payload);
    msg->kind = PayloadKind::string;
    msg->retain = retain;
    return std::make_shared<OutboundMessage>(std::move(msg));
}

class DeliveryTest : public ::testing::Test {
  protected:
    DeliveryTest() { options.max_buffered_bytes = 10'000; }

    Session& new_client(int name) {
        Session& session =
            delivery.create("S" + std::to_string(name), false, WireForm::payload,
                            FlowLimits{options.max_buffered_bytes, options.slow_client_drop});
        io.names[session.id()] = name;
        ids[name] = session.id();
        return session;
    }

    Session& open_client(int name, std::vector<std::string> filters) {
        Session& session = new_client(name);
        delivery.subscribe(session, filters);
        delivery.flush();
        delivery.opened(session);
        return session;
    }

    std::vector<std::string> all_written(int id) {
        std::vector<std::string> out;
        for (const auto& write : io.writes[id]) out.insert(out.end(), write.begin(), write.end());
        return out;
    }

    // What the server does with a broker message: stores a retained one and
    // decides, under the store's lock, whether this shard is handed it.
    // True when it was (it is then in the shard's inbox, not yet delivered).
    bool hand_over(const std::shared_ptr<OutboundMessage>& outbound) {
        bool wake = false;
        const auto choose = [&] {
            wake = delivery.router().interest().may_match(outbound->levels());
        };
        const auto keep_and_choose = [&] { history.append(outbound, choose); };
        if (outbound->message().retain) {
            store.update(outbound, [&](std::uint64_t number) {
                outbound->set_store_mark(number);
                keep_and_choose();
            });
        } else {
            outbound->set_store_mark(store.updates());
            keep_and_choose();
        }
        return wake;
    }

    static HistoryLimits history_limits() {
        HistoryLimits limits;
        limits.messages = 100;
        limits.filters = {{"short/#", 2}};
        return limits;
    }

    // Subscribes with "recover" (and `since`, if any); returns what the ack would say.
    Delivery::SubscribeAnswer subscribe_recovering(Session& session, const std::string& filter,
                                                   Positions since = {}) {
        ClientRequest request;
        request.op = RequestOp::subscribe;
        request.topics = {filter};
        request.recover = true;
        request.since = std::move(since);
        Delivery::SubscribeAnswer told;
        delivery.subscribe(session, request.topics, &request,
                           [&](const Delivery::SubscribeAnswer& answer) { told = answer; });
        return told;
    }
    // Handed over and delivered at once.
    void arrive(const std::shared_ptr<OutboundMessage>& outbound) {
        if (hand_over(outbound)) delivery.deliver(outbound);
    }

    WsOptions options;
    Counters counters;
    FakeIo io;
    std::map<int, ClientId> ids;
    RetainedStore store{RetainedLimits{1000}};
    HistoryLog history{history_limits(), 1};
    Delivery delivery{options, counters, io, store, history};
};

TEST_F(DeliveryTest, APassWritesEachSessionOnceWithEverythingItGot) {
    open_client(1, {"a/#"});
    open_client(2, {"a/b"});
    delivery.start_pass();
    arrive(message("a/b", "one"));
    arrive(message("a/c", "two"));
    arrive(message("a/b", "three"));
    EXPECT_TRUE(io.writes[1].empty());  // nothing before the end of the pass
    delivery.flush();
    ASSERT_EQ(io.writes[1].size(), 1u);
    EXPECT_EQ(io.writes[1][0], (std::vector<std::string>{"one", "two", "three"}));
    ASSERT_EQ(io.writes[2].size(), 1u);
    EXPECT_EQ(io.writes[2][0], (std::vector<std::string>{"one", "three"}));
    EXPECT_EQ(counters.deliveries.load(), 5u);
}

TEST_F(DeliveryTest, FramesQueuedWhileAWriteIsInFlightGoWhenItCompletes) {
    open_client(1, {"#"});
    io.takes_at_once = false;
    arrive(message("t", "first"));
    delivery.flush();
    arrive(message("t", "second"));
    arrive(message("t", "third"));
    delivery.flush();
    ASSERT_EQ(io.writes[1].size(), 1u);  // still in flight
    delivery.write_done(ids[1]);
    ASSERT_EQ(io.writes[1].size(), 2u);
    EXPECT_EQ(io.writes[1][1], (std::vector<std::string>{"second", "third"}));
}

TEST_F(DeliveryTest, ABurstBeyondTheBoundIsWrittenAtOnceAndNobodyIsClosed) {
    open_client(1, {"#"});
    const std::string payload(3'000, 'x');
    for (int i = 0; i < 8; ++i) arrive(message("t", payload));
    // Past the bound with nothing in flight, the session was written
    // mid-pass rather than judged.
    EXPECT_GE(io.writes[1].size(), 1u);
    delivery.flush();
    EXPECT_EQ(all_written(1).size(), 8u);
    EXPECT_TRUE(io.closed.empty());
    EXPECT_EQ(counters.closed_slow.load(), 0u);
}

TEST_F(DeliveryTest, AClientWhoseSocketTakesNothingIsClosedWith1008) {
    open_client(1, {"#"});
    open_client(2, {"#"});
    io.takes_at_once = false;  // writes never complete; kernel has no room
    const std::string payload(3'000, 'x');
    for (int i = 0; i < 10; ++i) {
        arrive(message("t", payload));
        delivery.flush();
        if (i == 0) delivery.write_done(ids[2]);  // client 2 keeps reading
        if (i > 0) delivery.write_done(ids[2]);
    }
    ASSERT_EQ(io.closed.count(1), 1u);
    EXPECT_EQ(io.closed[1], 1008);
    EXPECT_EQ(io.closed.count(2), 0u);
    EXPECT_EQ(all_written(2).size(), 10u);
    EXPECT_EQ(counters.closed_slow.load(), 1u);
}

TEST_F(DeliveryTest, RetainedStateIsReplayedBeforeLiveMessagesAndNotTwice) {
    // 60 retained messages of 1,000 bytes: several writes (half the bound
    // each) and several walks of the store (32 entries each), so the replay
    // is still running when the updates come.
    auto padded = [](std::string text) { return text + std::string(1'000 - text.size(), '.'); };
    for (int i = 10; i < 70; ++i) {
        arrive(message("r/" + std::to_string(i), padded("old" + std::to_string(i)), true));
    }
    delivery.flush();
    io.takes_at_once = false;
    Session& session = new_client(1);
    delivery.subscribe(session, {"r/#"});
    delivery.opened(session);  // the first write: part of the replay
    ASSERT_EQ(io.writes[1].size(), 1u);
    ASSERT_LT(io.writes[1][0].size(), 32u);
    arrive(message("r/12", padded("new12"), true));  // already replayed
    arrive(message("r/25", padded("new25"), true));  // taken from the store already
    arrive(message("r/65", padded("new65"), true));  // not yet taken: skipped there
    arrive(message("r/live", padded("live")));
    delivery.flush();
    for (int i = 0; i < 40 && io.writes[1].size() > static_cast<std::size_t>(i); ++i) {
        delivery.write_done(ids[1]);
    }
    std::vector<std::string> got;
    for (const auto& frame : all_written(1)) got.push_back(frame.substr(0, frame.find('.')));
    // Every topic once from the replay (r/65 by its new message only), then
    // the live messages in order: an old message never follows its update.
    std::vector<std::string> expected;
    for (int i = 10; i < 70; ++i) {
        if (i != 65) expected.push_back("old" + std::to_string(i));
    }
    expected.insert(expected.end(), {"new12", "new25", "new65", "live"});
    EXPECT_EQ(got, expected);
}

TEST_F(DeliveryTest, AShardWithoutInterestIsNotHandedARetainedMessage) {
    EXPECT_FALSE(hand_over(message("r/1", "one", true)));
    // Yet the store has it: a later subscriber gets it replayed.
    Session& session = new_client(1);
    delivery.subscribe(session, {"r/#"});
    delivery.opened(session);
    delivery.flush();
    EXPECT_EQ(all_written(1), (std::vector<std::string>{"one"}));
    EXPECT_TRUE(hand_over(message("r/2", "two", true)));
}

TEST_F(DeliveryTest, ALiveCopyOfAReplayedMessageStillInTheInboxIsNotSentTwice) {
    // Another client's interest makes the shard take r/2; before its inbox
    // is read, a new client subscribes: the replay serves r/1 and r/2, and
    // the live copy of r/2 reaches only the older client.
    open_client(1, {"#"});
    arrive(message("r/1", "one", true));
    auto pending = message("r/2", "two", true);
    ASSERT_TRUE(hand_over(pending));
    Session& session = new_client(2);
    delivery.subscribe(session, {"r/#"});
    delivery.opened(session);
    delivery.deliver(pending);  // the inbox catches up
    arrive(message("r/3", "three", true));
    delivery.flush();
    EXPECT_EQ(all_written(2), (std::vector<std::string>{"one", "two", "three"}));
    EXPECT_EQ(all_written(1), (std::vector<std::string>{"one", "two", "three"}));
}

TEST_F(DeliveryTest, ALiveCopyForAFilterTheSessionAlreadyHeldIsStillSent) {
    // r/2 is live for the session's old filter; its new, narrower filter
    // replays nothing the old one covers, so the live copy is its only one.
    Session& session = open_client(1, {"r/#"});
    auto pending = message("r/2", "two", true);
    ASSERT_TRUE(hand_over(pending));
    delivery.subscribe(session, {"r/2"});
    delivery.deliver(pending);
    delivery.flush();
    EXPECT_EQ(all_written(1), (std::vector<std::string>{"two"}));
}

TEST_F(DeliveryTest, ARecoveryGivesWhatWasMissedThenLiveAndNothingTwice) {
    open_client(1, {"#"});  // keeps the shard interested in everything
    Session& before = new_client(2);
    EXPECT_TRUE(subscribe_recovering(before, "h/#").positions.empty());
    delivery.opened(before);
    auto seen = message("h/a", "2");
    arrive(message("h/a", "1"));
    arrive(seen);
    delivery.flush();
    EXPECT_EQ(all_written(2), (std::vector<std::string>{"1", "2"}));
    const StreamPosition position = seen->history()->position;
    delivery.remove(ids[2]);

    arrive(message("h/a", "3"));
    arrive(message("h/b", "new topic"));
    auto pending = message("h/a", "4");
    ASSERT_TRUE(hand_over(pending));  // still in the inbox when the client comes back
    Session& after = new_client(3);
    const auto told = subscribe_recovering(after, "h/#", {{"h/a", position}});
    EXPECT_TRUE(told.recovering);
    EXPECT_TRUE(told.plan.recovered);
    delivery.opened(after);
    delivery.deliver(pending);
    arrive(message("h/a", "5"));
    delivery.flush();
    EXPECT_EQ(all_written(3), (std::vector<std::string>{"3", "4", "new topic", "5"}));
}

TEST_F(DeliveryTest, ARecoveryThatCannotBeProvenGivesNothingOfTheHistory) {
    open_client(1, {"#"});
    auto seen = message("short/x", "1");
    arrive(seen);
    for (int i = 2; i <= 5; ++i) arrive(message("short/x", std::to_string(i)));
    Session& after = new_client(2);
    const auto told =
        subscribe_recovering(after, "short/#", {{"short/x", seen->history()->position}});
    EXPECT_FALSE(told.plan.recovered);
    EXPECT_EQ(told.plan.reason, RecoveryStatus::trimmed);
    EXPECT_EQ(told.plan.topic, "short/x");
    delivery.opened(after);
    delivery.flush();
    EXPECT_TRUE(all_written(2).empty());

    StreamPosition other_epoch = seen->history()->position;
    other_epoch.epoch += 1;
    Session& elsewhere = new_client(3);
    EXPECT_EQ(subscribe_recovering(elsewhere, "short/#", {{"short/x", other_epoch}}).plan.reason,
              RecoveryStatus::epoch_changed);
}

TEST_F(DeliveryTest, ATargetedMessageOutsideTheSessionsPermissionsIsDropped) {
    Session& session = open_client(1, {});
    session.identity = std::make_unique<Session::Identity>();
    session.identity->permissions.subscribe = {"mine/#"};
    auto msg = std::make_shared<Message>();
    msg->topic = msg->mqtt_topic = "other/secret";
    msg->payload = "x";
    msg->target_session = "S1";
    delivery.deliver(std::make_shared<const OutboundMessage>(msg));
    delivery.flush();
    EXPECT_TRUE(all_written(1).empty());
    EXPECT_EQ(counters.dropped_acl.load(), 1u);

    auto unknown = std::make_shared<Message>(*msg);
    unknown->target_session = "nobody";
    delivery.deliver(std::make_shared<const OutboundMessage>(unknown));
    EXPECT_EQ(counters.dropped_unknown_session.load(), 1u);
}

TEST_F(DeliveryTest, ARemovedSessionIsNotFlushed) {
    open_client(1, {"#"});
    arrive(message("t", "x"));
    delivery.remove(ids[1]);
    delivery.flush();
    EXPECT_TRUE(io.writes[1].empty());
}

}  // namespace
}  // namespace mqttws::ws
