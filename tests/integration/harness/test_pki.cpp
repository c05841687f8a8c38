#include "harness/test_pki.hpp"

#include <sys/wait.h>

#include <stdexcept>

#include "harness/child_process.hpp"
#include "harness/text_file.hpp"

namespace mwb::it {

namespace {
constexpr const char* kOpenssl = "/usr/bin/openssl";
}  // namespace

TestPki::TestPki() : dir_("mwb-pki") {
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "1", "-subj",
             "/CN=mwb-test-ca"});
}

void TestPki::openssl(const std::vector<std::string>& args) const {
    ChildProcess process(kOpenssl, args, dir_.file("openssl.out"));
    const auto status = process.wait_exit(std::chrono::seconds(30));
    if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
        if (!status) process.kill_hard();
        throw std::runtime_error("openssl failed: " + TextFile::read(dir_.file("openssl.out")));
    }
}

std::string TestPki::ca_file() const {
    return file("ca.pem");
}

void TestPki::issue(const std::string& name, const std::string& common_name, bool server) const {
    std::vector<std::string> args{"req",         "-x509",         "-newkey",
                                  "ec",          "-pkeyopt",      "ec_paramgen_curve:P-256",
                                  "-nodes",      "-keyout",       key_file(name),
                                  "-out",        cert_file(name), "-days",
                                  "1",           "-subj",         "/CN=" + common_name,
                                  "-CA",         file("ca.pem"),  "-CAkey",
                                  file("ca.key")};
    if (server) {
        args.insert(args.end(), {"-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"});
    }
    openssl(args);
}

std::string TestPki::cert_file(const std::string& name) const {
    return file(name + ".pem");
}

std::string TestPki::key_file(const std::string& name) const {
    return file(name + ".key");
}

}  // namespace mwb::it
