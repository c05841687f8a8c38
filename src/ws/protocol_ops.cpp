// Role: protocol ops (see protocol_ops.hpp).
#include "ws/protocol_ops.hpp"

#include <spdlog/spdlog.h>

#include <utility>
#include <variant>

#include "mqttws/envelope_encoder.hpp"
#include "mqttws/inbound_publish.hpp"

namespace mqttws::ws {

namespace {

std::string_view outcome_code(PublishOutcome outcome) {
    return outcome == PublishOutcome::not_connected ? error_code::unavailable
                                                    : error_code::publish_failed;
}

// The first of `filters` the session may not subscribe to, "" if none.
std::string refused_filter(const Session& session, const std::vector<std::string>& filters) {
    const Permissions* permissions = session.permissions();
    if (!permissions) return {};
    for (const auto& filter : filters) {
        if (!may_subscribe(*permissions, filter)) return filter;
    }
    return {};
}

}  // namespace

ProtocolOps::ProtocolOps(const WsOptions& options, Counters& counters, Delivery& delivery,
                         ClientPublisher* publisher, ShardRunner run_on_shard)
    : options_(options),
      counters_(counters),
      delivery_(delivery),
      publisher_(publisher),
      run_on_shard_(std::move(run_on_shard)) {}

void ProtocolOps::on_frame(Session& session, const std::string& payload, bool binary) {
    if (session.protocol()) {
        on_request(session, payload);
    } else {
        on_plain_frame(session, payload, binary);
    }
}

void ProtocolOps::on_request(Session& session, const std::string& frame) {
    auto parsed = parse_client_request(frame);
    if (auto* error = std::get_if<RequestError>(&parsed)) {
        bump(counters_.protocol_errors);
        delivery_.send_text(session, encode_error(error->id_json, error->code, error->message));
        return;
    }
    auto& request = std::get<ClientRequest>(parsed);
    switch (request.op) {
        case RequestOp::ping:
            delivery_.send_text(session, encode_ack(request.id_json));
            return;
        case RequestOp::subscribe:
            on_subscribe(session, request);
            return;
        case RequestOp::unsubscribe:
            delivery_.unsubscribe(session, request.topics);
            delivery_.send_text(session, encode_ack(request.id_json));
            return;
        case RequestOp::publish:
            publish(session, std::move(request.publish), request.id_json);
            return;
    }
}

void ProtocolOps::on_subscribe(Session& session, const ClientRequest& request) {
    // A refusal is decided before anything is sent; the ack goes first so
    // it precedes the retained replay it causes.
    if (const std::string refused = refused_filter(session, request.topics); !refused.empty()) {
        delivery_.send_text(session, encode_error(request.id_json, error_code::not_allowed,
                                                  "not allowed to subscribe to '" + refused + "'"));
        return;
    }
    if (!delivery_.router().can_subscribe(session.id(), request.topics)) {
        delivery_.send_text(session,
                            encode_error(request.id_json, error_code::too_many_subscriptions,
                                         "at most " + std::to_string(options_.max_subscriptions) +
                                             " topic filters per connection"));
        return;
    }
    if (!request.recover) {
        delivery_.send_text(session, encode_ack(request.id_json));
        delivery_.subscribe(session, request.topics);
        return;
    }
    delivery_.subscribe(
        session, request.topics, &request, [&](const Delivery::SubscribeAnswer& told) {
            SubscribeAck ack;
            ack.recovering = told.recovering;
            ack.recovered = told.plan.recovered;
            ack.reason = told.plan.reason;
            ack.topic = told.plan.topic;
            ack.positions = told.positions_given ? &told.positions : nullptr;
            ack.positions_complete = told.positions_complete;
            delivery_.send_text(session, encode_subscribe_ack(request.id_json, ack));
        });
}

void ProtocolOps::on_plain_frame(Session& session, const std::string& frame, bool binary) {
    auto request = plain_frame_to_publish(frame, binary, session.session_id(), options_.inbound);
    if (auto* error = std::get_if<RequestError>(&request)) {
        refuse(session, *error, std::nullopt);
        return;
    }
    publish(session, std::get<PublishRequest>(std::move(request)), std::nullopt);
}

void ProtocolOps::refuse(Session& session, const RequestError& error,
                         const std::optional<std::string>& id_json) {
    bump(error.code == error_code::not_allowed     ? counters_.publish_refused_not_allowed
         : error.code == error_code::not_supported ? counters_.publish_refused_not_supported
                                                   : counters_.publish_refused_invalid);
    if (id_json || options_.send_msg) {
        // A protocol or msg-mode client speaks JSON: tell it what was wrong. A plain payload
        // client reads every frame as a payload, so an error frame would pass for data.
        delivery_.send_text(session,
                            encode_error(id_json ? *id_json : "null", error.code, error.message));
    }
    if (!id_json) {
        spdlog::info("session {}: frame not published: {}", session.session_id(), error.message);
    }
}

void ProtocolOps::publish(Session& session, PublishRequest request,
                          std::optional<std::string> id_json) {
    // Both must allow it: --allow-publish and the client's own permissions.
    auto topic = authorize_publish(request.topic, options_.inbound);
    if (std::holds_alternative<std::string>(topic) && session.permissions() &&
        !may_publish(*session.permissions(), request.topic)) {
        topic =
            RequestError{"null", error_code::not_allowed,
                         "publishing to '" + request.topic + "' is not allowed for this client"};
    }
    if (std::holds_alternative<std::string>(topic)) {
        if (auto refused = refuse_session_payload(request.payload)) topic = std::move(*refused);
    }
    if (std::holds_alternative<std::string>(topic) && request.correlation_data && publisher_ &&
        !publisher_->carries_request_properties()) {
        topic = RequestError{"null", error_code::not_supported,
                             "MQTT 3.1.1 carries no correlationData and no responseTopic, so a "
                             "backend cannot answer this request (run the bridge with "
                             "--mqtt-version 5)"};
    }
    if (auto* error = std::get_if<RequestError>(&topic)) {
        refuse(session, *error, id_json);
        return;
    }
    if (!publisher_) {
        bump(counters_.publish_failed);
        if (id_json) {
            delivery_.send_text(session, encode_error(*id_json, error_code::unavailable,
                                                      "publishing is not available"));
        }
        return;
    }
    ClientPublish out;
    out.topic = std::get<std::string>(std::move(topic));
    out.payload = std::move(request.payload);
    out.qos = request.qos;
    out.retain = request.retain;
    out.session_id = session.session_id();
    out.broadcast = request.broadcast;
    out.correlation_data = std::move(request.correlation_data);
    // Completion arrives on Paho's thread; the answer is sent from ours, and
    // only if the client is still here.
    publisher_->publish(std::move(out), [this, id = session.id(), id_json = std::move(id_json)](
                                            PublishOutcome outcome, std::string detail) {
        run_on_shard_([this, id, id_json, outcome, detail = std::move(detail)] {
            answer_publish(id, id_json, outcome, detail);
        });
    });
}

void ProtocolOps::answer_publish(ClientId id, const std::optional<std::string>& id_json,
                                 PublishOutcome outcome, const std::string& detail) {
    bump(outcome == PublishOutcome::published ? counters_.publish_ok : counters_.publish_failed);
    Session* session = delivery_.find(id);
    if (!session) return;
    if (!id_json) {
        if (outcome == PublishOutcome::published) return;
        spdlog::info("session {}: publish failed: {}", session->session_id(), detail);
        if (options_.send_msg) {
            delivery_.send_text(*session, encode_error("null", outcome_code(outcome), detail));
        }
        return;
    }
    delivery_.send_text(*session, outcome == PublishOutcome::published
                                      ? encode_ack(*id_json)
                                      : encode_error(*id_json, outcome_code(outcome), detail));
}

}  // namespace mqttws::ws
