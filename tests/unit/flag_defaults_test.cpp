// The flag table is the one source of every default; MqttOptions, WsOptions and the core's
// option structs keep defaults of their own for code that builds them directly (the unit tests
// of src/ws do). This test keeps the two in agreement.

#include <gtest/gtest.h>

#include "app/cross_checks.hpp"
#include "app/flag_table.hpp"
#include "mqttws/jwt_claims.hpp"

namespace mqttws::app {
namespace {

struct Declared {
    CLI::App app;
    Config config;
    FlagInputs inputs;
    std::vector<FlagEntry> flags = declare_flags(app, config, inputs);
};

// Each field a flag sets, against the same field of a default-constructed struct.
#define EXPECT_DEFAULT(flags, plain, field) EXPECT_EQ(flags.field, plain.field) << #field

TEST(FlagDefaults, AreTheDefaultsOfTheOptionStructs) {
    Declared declared;
    ASSERT_FALSE(complete_config(declared.inputs, declared.config).has_value());
    const mqtt::MqttOptions& flags_mqtt = declared.config.mqtt;
    const mqtt::MqttOptions plain_mqtt;
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, url);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, username);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, password);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, version);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, reconnect_min);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, reconnect_max);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, events_topic);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, status_topic);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, session_expiry);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, max_payload);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, decode.payload_mode);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, decode.strip_prefix);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, decode.session_property);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, decode.events_topic);
    EXPECT_DEFAULT(flags_mqtt, plain_mqtt, tls.insecure);
    const ws::WsOptions& flags_ws = declared.config.ws;
    const ws::WsOptions plain_ws;
    EXPECT_DEFAULT(flags_ws, plain_ws, listen_host);
    EXPECT_DEFAULT(flags_ws, plain_ws, listen_port);
    EXPECT_DEFAULT(flags_ws, plain_ws, ws_path);
    EXPECT_DEFAULT(flags_ws, plain_ws, send_msg);
    EXPECT_DEFAULT(flags_ws, plain_ws, threads);
    EXPECT_DEFAULT(flags_ws, plain_ws, max_buffered_bytes);
    EXPECT_DEFAULT(flags_ws, plain_ws, max_message_size);
    EXPECT_DEFAULT(flags_ws, plain_ws, max_subscriptions);
    EXPECT_DEFAULT(flags_ws, plain_ws, shutdown_timeout);
    EXPECT_DEFAULT(flags_ws, plain_ws, retained_cache);
    EXPECT_DEFAULT(flags_ws, plain_ws, retained_bytes);
    EXPECT_DEFAULT(flags_ws, plain_ws, retained_settle);
    EXPECT_DEFAULT(flags_ws, plain_ws, max_connections);
    EXPECT_DEFAULT(flags_ws, plain_ws, slow_client_drop);
    EXPECT_DEFAULT(flags_ws, plain_ws, ping_interval);
    EXPECT_DEFAULT(flags_ws, plain_ws, pong_timeout);
    EXPECT_DEFAULT(flags_ws, plain_ws, handshake_timeout);
    EXPECT_DEFAULT(flags_ws, plain_ws, console);
    EXPECT_DEFAULT(flags_ws, plain_ws, console_dir);
    EXPECT_DEFAULT(flags_ws, plain_ws, http_admin_token);
    EXPECT_DEFAULT(flags_ws, plain_ws, inbound.topic_template);
    EXPECT_DEFAULT(flags_ws, plain_ws, inbound.msg_mode);
    EXPECT_DEFAULT(flags_ws, plain_ws, inbound.allow_publish);
    EXPECT_DEFAULT(flags_ws, plain_ws, inbound.strip_prefix);
}

TEST(FlagDefaults, JwtLeewayIsThePolicyDefault) {
    Declared declared;
    EXPECT_EQ(declared.inputs.security.jwt_leeway, JwtPolicy{}.leeway);
}

}  // namespace
}  // namespace mqttws::app
