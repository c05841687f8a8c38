// --subscribe '$share/GROUP/FILTER': the broker delivers with the real topic, so clients match
// on the filter part; and with two bridges in one group, each message reaches one of them only.

#include <set>
#include <string>
#include <vector>

#include "harness/bridge_test.hpp"

namespace mwb::it {
namespace {

class SharedSubscriptionTest : public BridgeTest {};

TEST_F(SharedSubscriptionTest, ClientsMatchTheRealTopic) {
    start({"--subscribe", "$share/workers/jobs/#", "--subscribe", "end"});
    WsConnection& jobs = connect("/ws/jobs/%23?topic=end");
    WsConnection& one = connect("/ws/jobs/1?topic=end");
    publish_topics({"jobs/1", "jobs/2", "other", "end"});
    EXPECT_TRUE(ReceivesTexts(jobs, {"jobs/1", "jobs/2", "end"}));
    EXPECT_TRUE(ReceivesTexts(one, {"jobs/1", "end"}));
}

TEST_F(SharedSubscriptionTest, EachMessageReachesOneBridgeOfTheGroup) {
    const std::vector<std::string> args{"--subscribe", "$share/workers/jobs/#", "--subscribe",
                                        "end"};
    start(args);
    BridgeProcess second(broker().port(), args);
    WsConnection& first_client = connect("/ws/jobs/%23?topic=end");
    WsConnection& second_client = clients().connect_open(second.ws_uri("/ws/jobs/%23?topic=end"));

    constexpr int kJobs = 20;
    for (int i = 0; i < kJobs; ++i) {
        const std::string topic = "jobs/" + std::to_string(i);
        publisher().publish(topic, topic, 1);
    }
    // Not shared: both bridges get it, after every job the broker sent them.
    publisher().publish("end", "end", 1);

    std::vector<std::string> jobs;
    for (WsConnection* client : {&first_client, &second_client}) {
        for (;;) {
            const std::optional<WsFrame> frame = client->next_message(kDelivery);
            ASSERT_TRUE(frame.has_value()) << client->describe();
            if (frame->payload == "end") break;
            jobs.push_back(frame->payload);
        }
    }
    // Every job arrived, and none twice: each went to one member of the group.
    EXPECT_EQ(jobs.size(), static_cast<std::size_t>(kJobs));
    EXPECT_EQ(std::set<std::string>(jobs.begin(), jobs.end()).size(),
              static_cast<std::size_t>(kJobs));
}

}  // namespace
}  // namespace mwb::it
