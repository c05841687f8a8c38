#pragma once

#include <filesystem>
#include <string>

namespace mwb::it {

// A private directory under the system temp dir, removed with everything in it on destruction
// (kept when the environment variable MWB_TEST_KEEP_TMP is set, for post-mortems).
class TempDir {
  public:
    explicit TempDir(const std::string& prefix);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path file(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

}  // namespace mwb::it
