#include "mqttws/router.hpp"

#include <algorithm>
#include <string_view>

namespace mqttws {

Router::Router(std::size_t max_subscriptions_per_client)
    : max_subscriptions_(max_subscriptions_per_client) {}

bool Router::Subscriber::has(std::string_view filter) const {
    return std::find(filters.begin(), filters.end(), filter) != filters.end();
}

void Router::add_client(ClientId client, std::string session_id, WireForm form) {
    remove_client(client);
    const auto [entry, added] = by_session_.insert_or_assign(std::move(session_id), client);
    clients_[client] = Subscriber{&entry->first, form, {}};
}

void Router::remove_client(ClientId client) {
    const auto it = clients_.find(client);
    if (it == clients_.end()) return;
    for (const auto& filter : it->second.filters) {
        index_.remove(filter, client);
        interest_.remove(filter);
    }
    by_session_.erase(*it->second.session_id);
    clients_.erase(it);
}

bool Router::can_subscribe(ClientId client, const std::vector<std::string>& filters) const {
    const auto it = clients_.find(client);
    if (it == clients_.end()) return true;
    const Subscriber& c = it->second;
    // Distinct new filters: a request may name the same filter twice.
    std::vector<std::string_view> fresh;
    for (const auto& filter : filters) {
        if (!c.has(filter) && std::find(fresh.begin(), fresh.end(), filter) == fresh.end()) {
            fresh.push_back(filter);
        }
    }
    return c.filters.size() + fresh.size() <= max_subscriptions_;
}

SubscribeResult Router::subscribe(ClientId client, const std::vector<std::string>& filters) {
    const auto it = clients_.find(client);
    if (it == clients_.end()) return SubscribeResult::ok;
    if (!can_subscribe(client, filters)) return SubscribeResult::too_many_subscriptions;
    Subscriber& c = it->second;
    for (const auto& filter : filters) {
        if (c.has(filter)) continue;
        c.filters.push_back(filter);
        index_.add(filter, client);
        interest_.add(filter);
    }
    return SubscribeResult::ok;
}

void Router::unsubscribe(ClientId client, const std::vector<std::string>& filters) {
    const auto it = clients_.find(client);
    if (it == clients_.end()) return;
    auto& held = it->second.filters;
    for (const auto& filter : filters) {
        const auto found = std::find(held.begin(), held.end(), filter);
        if (found == held.end()) continue;
        held.erase(found);
        index_.remove(filter, client);
        interest_.remove(filter);
    }
}

std::vector<std::string> Router::filters_of(ClientId client) const {
    const auto it = clients_.find(client);
    if (it == clients_.end()) return {};
    return it->second.filters;
}

RouteResult Router::route(const Message& msg, std::vector<Recipient>& out) {
    return route(msg, TopicLevels(msg.topic), out);
}

RouteResult Router::route(const Message& msg, const TopicLevels& topic,
                          std::vector<Recipient>& out) {
    out.clear();
    const RouteResult result = route(msg, topic, matches_);
    out.reserve(matches_.size());
    for (ClientId id : matches_) out.push_back({id, clients_.at(id).form});
    return result;
}

RouteResult Router::route(const Message& msg, const TopicLevels& topic,
                          std::vector<ClientId>& out) {
    out.clear();
    if (msg.target_session) {
        const auto it = by_session_.find(*msg.target_session);
        if (it == by_session_.end()) return RouteResult::unknown_session;
        out.push_back(it->second);
        return RouteResult::delivered;
    }
    index_.match(topic, out);
    return RouteResult::delivered;
}

}  // namespace mqttws
