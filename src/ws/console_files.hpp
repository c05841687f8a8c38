// Role: web console. Finds the web console's folder and reads its files into memory, once, at
// start (--no-console, --console-dir). Says in the log where the console is
// served from, or why it is off.
#pragma once

#include <optional>
#include <string>

#include "mqttws/static_files.hpp"
#include "ws/ws_options.hpp"

namespace mqttws::ws {

// The folder the console is served from when --console-dir is not given:
// the installed files, or the source tree's web/ when this binary runs from
// its build folder (so a developer never sees a stale installed copy).
std::string default_console_dir();
// Where the installed console is: what --help names, so the help (and the
// man page made from it at build time) never shows a build machine's path.
std::string installed_console_dir();

// True when `dir` holds the console's index.html.
bool is_console_dir(const std::string& dir);

// The console's files, or nullopt when it is off or no folder holds it.
std::optional<StaticFiles> load_console(const WsOptions& options);

}  // namespace mqttws::ws
