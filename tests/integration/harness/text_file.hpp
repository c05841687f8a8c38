#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace mwb::it {

// Reading the log files the processes under test write.
class TextFile {
  public:
    // The whole file ("" when it does not exist).
    static std::string read(const std::filesystem::path& path);

    // At most the last `max_bytes` bytes, starting at a line boundary when one is near.
    static std::string tail(const std::filesystem::path& path, std::size_t max_bytes);

    static void write(const std::filesystem::path& path, const std::string& content);

    // The lines of `text` that hold more than blanks.
    static std::vector<std::string> non_empty_lines(const std::string& text);
};

}  // namespace mwb::it
