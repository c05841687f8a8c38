// Role: web console (see console_files.hpp).
#include "ws/console_files.hpp"

#include <spdlog/spdlog.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

// Set by CMake for this file only (see CMakeLists.txt).
#ifndef MWB_CONSOLE_INSTALL_DIR
#error "MWB_CONSOLE_INSTALL_DIR must name the installed console folder"
#endif
#ifndef MWB_CONSOLE_SOURCE_DIR
#error "MWB_CONSOLE_SOURCE_DIR must name the source tree's web/ folder"
#endif
#ifndef MWB_BUILD_DIR
#error "MWB_BUILD_DIR must name the build folder"
#endif

namespace mqttws::ws {

namespace fs = std::filesystem;

namespace {

// A console file is a page, a script or a stylesheet; anything this large in
// the folder is a mistake, not something to hold in memory.
constexpr std::uintmax_t max_file_size = 4u << 20;

bool same_dir(const fs::path& a, const fs::path& b) {
    std::error_code ec_a;
    std::error_code ec_b;
    const fs::path ca = fs::weakly_canonical(a, ec_a);
    const fs::path cb = fs::weakly_canonical(b, ec_b);
    return !ec_a && !ec_b && ca == cb;
}

bool running_from_build_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return !ec && same_dir(exe.parent_path(), MWB_BUILD_DIR);
}

std::optional<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return std::nullopt;
    return content;
}

// Every regular file of a known kind at the top of `dir`; no subfolders.
std::optional<StaticFiles> read_dir(const fs::path& dir, std::string& why) {
    StaticFiles files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        std::error_code file_ec;
        if (!entry.is_regular_file(file_ec) || !StaticFiles::content_type_for(name)) continue;
        if (name.front() == '.') continue;
        if (entry.file_size(file_ec) > max_file_size) {
            spdlog::warn("web console: skipping {} (over {} bytes)", entry.path().string(),
                         max_file_size);
            continue;
        }
        auto content = read_file(entry.path());
        if (!content) {
            why = "cannot read " + entry.path().string();
            return std::nullopt;
        }
        files.add(name, std::move(*content));
    }
    if (ec) {
        why = "cannot list " + dir.string() + ": " + ec.message();
        return std::nullopt;
    }
    if (!files.find("/")) {
        why = "no index.html in " + dir.string();
        return std::nullopt;
    }
    return files;
}

}  // namespace

std::string default_console_dir() {
    if (running_from_build_dir() && is_console_dir(MWB_CONSOLE_SOURCE_DIR)) {
        return MWB_CONSOLE_SOURCE_DIR;
    }
    return MWB_CONSOLE_INSTALL_DIR;
}

std::string installed_console_dir() {
    return MWB_CONSOLE_INSTALL_DIR;
}

bool is_console_dir(const std::string& dir) {
    std::error_code ec;
    return fs::is_regular_file(fs::path(dir) / "index.html", ec);
}

std::optional<StaticFiles> load_console(const WsOptions& options) {
    if (!options.console) {
        spdlog::info("web console: off (--no-console)");
        return std::nullopt;
    }
    const std::string dir =
        options.console_dir.empty() ? default_console_dir() : options.console_dir;
    std::string why;
    auto files = read_dir(dir, why);
    if (!files) {
        spdlog::warn(
            "web console: off, {} (install the bridge with its files, or set "
            "--console-dir)",
            why);
        return std::nullopt;
    }
    spdlog::info("web console: served at / from {} ({} files)", dir, files->size());
    return files;
}

}  // namespace mqttws::ws
