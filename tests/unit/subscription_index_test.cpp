// The subscription trie, checked against a brute-force reference built from
// topic_matches (which topic_filter_test checks against the spec).
#include "mqttws/subscription_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "mqttws/topic_filter.hpp"
#include "printers.hpp"

namespace mqttws {
namespace {

std::vector<ClientId> match(const SubscriptionIndex& index, std::string_view topic) {
    std::vector<ClientId> out;
    index.match(topic, out);
    return out;
}

std::vector<ClientId> sorted(std::vector<ClientId> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
}

bool has_duplicates(std::vector<ClientId> ids) {
    std::sort(ids.begin(), ids.end());
    return std::adjacent_find(ids.begin(), ids.end()) != ids.end();
}

TEST(SubscriptionIndex, StartsEmpty) {
    SubscriptionIndex index;
    EXPECT_TRUE(index.empty());
    EXPECT_EQ(index.size(), 0u);
    EXPECT_TRUE(match(index, "a").empty());
    EXPECT_FALSE(index.remove("a", 1));
    EXPECT_FALSE(index.remove("#", 1));
    EXPECT_FALSE(index.remove("+/x", 1));
}

TEST(SubscriptionIndex, AddIsIdempotentPerClientAndFilter) {
    SubscriptionIndex index;
    EXPECT_TRUE(index.add("a/b", 1));
    EXPECT_FALSE(index.add("a/b", 1));
    EXPECT_TRUE(index.add("a/b", 2));
    EXPECT_TRUE(index.add("a/#", 1));
    EXPECT_FALSE(index.add("a/#", 1));
    EXPECT_TRUE(index.add("a/+", 1));
    EXPECT_FALSE(index.add("a/+", 1));
    EXPECT_EQ(index.size(), 4u);
    EXPECT_FALSE(index.empty());
}

TEST(SubscriptionIndex, RemoveOnlyWhatWasAdded) {
    SubscriptionIndex index;
    index.add("a/b", 1);
    index.add("a/#", 2);
    EXPECT_FALSE(index.remove("a/b", 2));  // other client
    EXPECT_FALSE(index.remove("a", 1));    // prefix of a filter
    EXPECT_FALSE(index.remove("a/b/c", 1));
    EXPECT_FALSE(index.remove("a/+", 1));
    EXPECT_FALSE(index.remove("#", 2));
    EXPECT_FALSE(index.remove("a/#", 1));
    EXPECT_EQ(index.size(), 2u);
    EXPECT_TRUE(index.remove("a/b", 1));
    EXPECT_FALSE(index.remove("a/b", 1));
    EXPECT_EQ(index.size(), 1u);
    EXPECT_EQ(match(index, "a/b"), std::vector<ClientId>{2});
    EXPECT_TRUE(index.remove("a/#", 2));
    EXPECT_TRUE(index.empty());
    EXPECT_TRUE(match(index, "a/b").empty());
}

TEST(SubscriptionIndex, MatchReplacesPreviousContents) {
    SubscriptionIndex index;
    index.add("a", 7);
    std::vector<ClientId> out{1, 2, 3};
    index.match("a", out);
    EXPECT_EQ(out, std::vector<ClientId>{7});
    index.match("b", out);
    EXPECT_TRUE(out.empty());
    out = {1, 2, 3};
    SubscriptionIndex empty;
    empty.match("a", out);
    EXPECT_TRUE(out.empty());
}

TEST(SubscriptionIndex, WildcardSemantics) {
    SubscriptionIndex index;
    index.add("#", 1);
    index.add("a/#", 2);
    index.add("a/+", 3);
    index.add("+/+", 4);
    index.add("$SYS/#", 5);
    index.add("+/#", 6);
    index.add("/", 7);
    index.add("a", 8);
    EXPECT_EQ(sorted(match(index, "a")), (std::vector<ClientId>{1, 2, 6, 8}));
    EXPECT_EQ(sorted(match(index, "a/")), (std::vector<ClientId>{1, 2, 3, 4, 6}));
    EXPECT_EQ(sorted(match(index, "/x")), (std::vector<ClientId>{1, 4, 6}));
    EXPECT_EQ(sorted(match(index, "/")), (std::vector<ClientId>{1, 4, 6, 7}));
    EXPECT_EQ(sorted(match(index, "a/b/c")), (std::vector<ClientId>{1, 2, 6}));
    EXPECT_EQ(sorted(match(index, "$SYS/x")), (std::vector<ClientId>{5}));
    EXPECT_EQ(sorted(match(index, "$SYS")), (std::vector<ClientId>{5}));
    EXPECT_TRUE(match(index, "$other").empty());
}

TEST(SubscriptionIndex, OverlappingFiltersOfOneClientDeliverOnce) {
    SubscriptionIndex index;
    const ClientId client = 42;
    for (const char* filter : {"#", "a/#", "a/b/#", "a/b/c/#", "a/b/c", "+/b/c", "a/+/c", "a/b/+",
                               "+/+/+", "+/#", "a/+/#", "+/+/#", "+/b/#", "+/+/c/#"}) {
        ASSERT_TRUE(index.add(filter, client)) << filter;
    }
    index.add("a/b/c", 1);
    index.add("#", 99);
    const auto out = match(index, "a/b/c");
    EXPECT_EQ(sorted(out), (std::vector<ClientId>{1, 42, 99}));
    EXPECT_FALSE(has_duplicates(out));

    // Only that client left, still through many filters: exactly once.
    index.remove("a/b/c", 1);
    index.remove("#", 99);
    EXPECT_EQ(match(index, "a/b/c"), std::vector<ClientId>{client});
    EXPECT_EQ(match(index, "x/b/c"), std::vector<ClientId>{client});
}

TEST(SubscriptionIndex, PruningKeepsSiblings) {
    SubscriptionIndex index;
    index.add("a/b/c", 1);
    index.add("a/b", 2);
    index.add("a/+/c", 3);
    index.add("a/b/c/#", 4);
    EXPECT_TRUE(index.remove("a/b/c", 1));
    EXPECT_EQ(match(index, "a/b"), std::vector<ClientId>{2});
    EXPECT_EQ(sorted(match(index, "a/b/c")), (std::vector<ClientId>{3, 4}));
    EXPECT_TRUE(index.remove("a/b/c/#", 4));
    EXPECT_EQ(match(index, "a/b/c"), std::vector<ClientId>{3});
    EXPECT_EQ(match(index, "a/b"), std::vector<ClientId>{2});
    EXPECT_TRUE(index.remove("a/b", 2));
    EXPECT_EQ(match(index, "a/x/c"), std::vector<ClientId>{3});
    EXPECT_TRUE(index.remove("a/+/c", 3));
    EXPECT_TRUE(index.empty());
    // The trie still works after everything was pruned.
    EXPECT_TRUE(index.add("a/b/c", 1));
    EXPECT_EQ(match(index, "a/b/c"), std::vector<ClientId>{1});
}

TEST(SubscriptionIndex, DeepTopics) {
    std::string topic = "l";
    for (std::size_t i = 1; i < max_topic_levels; ++i) topic += "/l";
    ASSERT_EQ(validate_topic_name(topic), TopicError::ok);
    std::string all_plus = "+";
    for (std::size_t i = 1; i < max_topic_levels; ++i) all_plus += "/+";
    ASSERT_EQ(validate_filter(all_plus), TopicError::ok);

    SubscriptionIndex index;
    index.add(topic, 1);
    index.add(all_plus, 2);
    index.add("l/#", 3);
    index.add(all_plus.substr(0, all_plus.size() - 2), 4);  // one level short
    EXPECT_EQ(sorted(match(index, topic)), (std::vector<ClientId>{1, 2, 3}));
}

// ------------------------------------------------ brute-force reference

class Reference {
  public:
    bool add(const std::string& filter, ClientId client) {
        return subscriptions_[client].insert(filter).second;
    }
    bool remove(const std::string& filter, ClientId client) {
        return subscriptions_[client].erase(filter) != 0;
    }
    std::size_t size() const {
        std::size_t n = 0;
        for (const auto& [client, filters] : subscriptions_) n += filters.size();
        return n;
    }
    std::vector<ClientId> match(const std::string& topic) const {
        std::vector<ClientId> out;
        for (const auto& [client, filters] : subscriptions_) {
            for (const auto& filter : filters) {
                if (topic_matches(filter, topic)) {
                    out.push_back(client);
                    break;
                }
            }
        }
        return out;  // sorted: std::map iterates in key order
    }
    std::vector<std::pair<ClientId, std::string>> all() const {
        std::vector<std::pair<ClientId, std::string>> out;
        for (const auto& [client, filters] : subscriptions_) {
            for (const auto& filter : filters) out.emplace_back(client, filter);
        }
        return out;
    }

  private:
    std::map<ClientId, std::set<std::string>> subscriptions_;
};

class RandomTopics {
  public:
    explicit RandomTopics(unsigned seed) : rng_(seed) {}

    // 1..4 levels over {a, b, ""}, the first sometimes "$SYS" or "$x"; never
    // empty (an empty name is invalid).
    std::string topic() {
        for (;;) {
            std::string t = any_topic();
            if (!t.empty()) return t;
        }
    }

    // 1..4 levels over {a, b, "", +}, the first sometimes "$SYS", maybe
    // ending with '#'; never empty.
    std::string filter() {
        for (;;) {
            std::string f = any_filter();
            if (!f.empty()) return f;
        }
    }

    int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  private:
    std::string any_topic() {
        static const char* const plain[] = {"a", "b", ""};
        const int count = pick(1, 4);
        std::string out;
        for (int i = 0; i < count; ++i) {
            if (i > 0) out += '/';
            if (i == 0 && pick(0, 5) == 0) {
                out += pick(0, 1) ? "$SYS" : "$x";
            } else {
                out += plain[pick(0, 2)];
            }
        }
        return out;
    }

    std::string any_filter() {
        static const char* const levels[] = {"a", "b", "", "+", "+"};
        const int count = pick(1, 4);
        const bool hash = pick(0, 2) == 0;
        std::string out;
        for (int i = 0; i < count; ++i) {
            if (i > 0) out += '/';
            if (hash && i == count - 1) {
                out += '#';
            } else if (i == 0 && pick(0, 7) == 0) {
                out += "$SYS";
            } else {
                out += levels[pick(0, 4)];
            }
        }
        return out;
    }

    std::mt19937 rng_;
};

void expect_same_matches(const SubscriptionIndex& index, const Reference& reference,
                         const std::string& topic) {
    std::vector<ClientId> got;
    index.match(topic, got);
    EXPECT_FALSE(has_duplicates(got)) << "topic '" << topic << "'";
    EXPECT_EQ(sorted(got), reference.match(topic)) << "topic '" << topic << "'";
}

TEST(SubscriptionIndexReference, RandomFiltersAgreeWithTopicMatches) {
    for (unsigned seed = 1; seed <= 20; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        RandomTopics random(seed);
        SubscriptionIndex index;
        Reference reference;
        // Few clients, many filters each: lots of overlap within a client.
        for (int i = 0; i < 300; ++i) {
            const std::string filter = random.filter();
            ASSERT_EQ(validate_filter(filter), TopicError::ok) << filter;
            const auto client = static_cast<ClientId>(random.pick(1, 8));
            ASSERT_EQ(index.add(filter, client), reference.add(filter, client)) << filter;
        }
        ASSERT_EQ(index.size(), reference.size());
        for (int i = 0; i < 300; ++i) {
            const std::string topic = random.topic();
            ASSERT_EQ(validate_topic_name(topic), TopicError::ok) << topic;
            expect_same_matches(index, reference, topic);
        }
        if (HasFailure()) return;
    }
}

TEST(SubscriptionIndexReference, AddRemoveChurn) {
    RandomTopics random(12345);
    SubscriptionIndex index;
    Reference reference;
    for (int step = 0; step < 20000; ++step) {
        const std::string filter = random.filter();
        const auto client = static_cast<ClientId>(random.pick(1, 12));
        if (random.pick(0, 2) == 0) {
            ASSERT_EQ(index.remove(filter, client), reference.remove(filter, client))
                << "remove '" << filter << "' for " << client << " at step " << step;
        } else {
            ASSERT_EQ(index.add(filter, client), reference.add(filter, client))
                << "add '" << filter << "' for " << client << " at step " << step;
        }
        ASSERT_EQ(index.size(), reference.size()) << "at step " << step;
        ASSERT_EQ(index.empty(), reference.size() == 0);
        if (step % 10 == 0) {
            expect_same_matches(index, reference, random.topic());
            if (HasFailure()) return;
        }
    }
    ASSERT_GT(index.size(), 0u);

    // Remove everything in a shuffled order, checking along the way.
    auto all = reference.all();
    std::mt19937 shuffle_rng(99);
    std::shuffle(all.begin(), all.end(), shuffle_rng);
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto& [client, filter] = all[i];
        ASSERT_TRUE(index.remove(filter, client)) << filter;
        ASSERT_FALSE(index.remove(filter, client)) << filter;
        reference.remove(filter, client);
        ASSERT_EQ(index.size(), reference.size());
        if (i % 7 == 0) {
            expect_same_matches(index, reference, random.topic());
            if (HasFailure()) return;
        }
    }
    EXPECT_TRUE(index.empty());
    EXPECT_EQ(index.size(), 0u);
    // Nothing matches anything any more, including every topic of the alphabet.
    for (const char* topic : {"a", "b", "a/b", "/", "//", "a/b/a/b", "$SYS", "$SYS/a", "$x/"}) {
        EXPECT_TRUE(match(index, topic).empty()) << topic;
    }
    for (int i = 0; i < 200; ++i) EXPECT_TRUE(match(index, random.topic()).empty());
}

TEST(SubscriptionIndexReference, ManyClientsOnFewFilters) {
    // The other shape: many clients sharing the same filters.
    RandomTopics random(777);
    std::vector<std::string> filters;
    for (int i = 0; i < 12; ++i) filters.push_back(random.filter());
    SubscriptionIndex index;
    Reference reference;
    for (ClientId client = 1; client <= 500; ++client) {
        for (int k = 0; k < 3; ++k) {
            const std::string& filter = filters[static_cast<std::size_t>(random.pick(0, 11))];
            ASSERT_EQ(index.add(filter, client), reference.add(filter, client));
        }
    }
    for (int i = 0; i < 200; ++i) {
        expect_same_matches(index, reference, random.topic());
        if (HasFailure()) return;
    }
}

}  // namespace
}  // namespace mqttws
