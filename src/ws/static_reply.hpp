// Role: web console. Writes a StaticResponse (the web console's files) into a websocketpp HTTP
// connection; a template so it fits any endpoint configuration.
#pragma once

#include <websocketpp/http/constants.hpp>

#include "mqttws/static_files.hpp"

namespace mqttws::ws {

template <typename Connection>
void write_static_reply(Connection& connection, const StaticResponse& response) {
    connection.set_status(static_cast<websocketpp::http::status_code::value>(response.status));
    for (const auto& [name, value] : response.headers) {
        connection.replace_header(std::string(name), std::string(value));
    }
    if (response.body) connection.set_body(*response.body);
}

}  // namespace mqttws::ws
