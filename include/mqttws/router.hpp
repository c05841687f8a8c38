// Decides who receives a message: the target session alone, or every client
// whose filters match. One Router per shard, used from that shard's thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mqttws/interest_filter.hpp"
#include "mqttws/message.hpp"
#include "mqttws/subscription_index.hpp"

namespace mqttws {

// What a client receives for each message.
enum class WireForm {
    payload,   // plain mode: the payload alone
    msg_json,  // plain mode with --send msg: the whole msg as JSON
    envelope,  // protocol mode: {"type":"message",...}
};
inline constexpr std::size_t wire_form_count = 3;

struct Recipient {
    ClientId client;
    WireForm form;
};

enum class RouteResult {
    delivered,        // zero or more topic subscribers
    unknown_session,  // targeted at a session this router does not hold
};

enum class SubscribeResult { ok, too_many_subscriptions };

class Router {
  public:
    explicit Router(std::size_t max_subscriptions_per_client);

    void add_client(ClientId client, std::string session_id, WireForm form);
    void remove_client(ClientId client);
    bool has_client(ClientId client) const { return clients_.count(client) != 0; }

    // Filters must be valid. All or nothing: when the client would exceed its
    // limit, nothing is added. Filters it already has are not counted twice.
    SubscribeResult subscribe(ClientId client, const std::vector<std::string>& filters);
    // Whether subscribe() would succeed, without changing anything.
    bool can_subscribe(ClientId client, const std::vector<std::string>& filters) const;
    void unsubscribe(ClientId client, const std::vector<std::string>& filters);
    std::vector<std::string> filters_of(ClientId client) const;

    // Fills `out` with the recipients of `msg`, each at most once.
    RouteResult route(const Message& msg, std::vector<Recipient>& out);
    // The same with msg.topic already split.
    RouteResult route(const Message& msg, const TopicLevels& topic, std::vector<Recipient>& out);
    // The recipients' ids alone, for a caller that keeps each client's wire
    // form itself (one lookup fewer per recipient).
    RouteResult route(const Message& msg, const TopicLevels& topic, std::vector<ClientId>& out);

    // What the subscribers could match; read from other threads.
    const InterestFilter& interest() const { return interest_; }

    std::size_t client_count() const { return clients_.size(); }
    std::size_t subscription_count() const { return index_.size(); }

  private:
    // What the router knows of one client. Small on purpose: every idle
    // connection has one. Filters are few (--max-subscriptions), so a vector.
    struct Subscriber {
        const std::string* session_id;  // the key of its by_session_ entry
        WireForm form;
        std::vector<std::string> filters;

        bool has(std::string_view filter) const;
    };

    std::size_t max_subscriptions_;
    SubscriptionIndex index_;
    InterestFilter interest_;
    std::unordered_map<ClientId, Subscriber> clients_;
    std::unordered_map<std::string, ClientId> by_session_;
    std::vector<ClientId> matches_;
};

}  // namespace mqttws
