#pragma once

#include <string>
#include <vector>

#include "harness/temp_dir.hpp"

namespace mwb::it {

// A throwaway certificate authority made with the `openssl` command at test time, in a temp
// dir: nothing secret lives in git. Certificates are P-256, valid one day, for "localhost" and
// 127.0.0.1 (server) or any name (client).
class TestPki {
  public:
    TestPki();

    // CA certificate (PEM), to verify what it issued.
    std::string ca_file() const;
    // Issues `name`.pem / `name`.key signed by the CA, with subject CN=`common_name`; servers get
    // subjectAltName localhost and 127.0.0.1. Throws when openssl fails.
    void issue(const std::string& name, const std::string& common_name, bool server = true) const;
    std::string cert_file(const std::string& name) const;
    std::string key_file(const std::string& name) const;

    // Runs openssl with `args` in the temp dir; throws with its output on failure.
    void openssl(const std::vector<std::string>& args) const;
    std::string file(const std::string& name) const { return dir_.file(name).string(); }

  private:
    TempDir dir_;
};

}  // namespace mwb::it
