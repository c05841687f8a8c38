#include "harness/promtool.hpp"

#include <sys/wait.h>

#include "harness/child_process.hpp"
#include "harness/temp_dir.hpp"
#include "harness/text_file.hpp"

#ifndef MWB_PROMTOOL_BINARY
#error "MWB_PROMTOOL_BINARY must name the promtool executable"
#endif

namespace mwb::it {

std::string Promtool::binary() {
    return MWB_PROMTOOL_BINARY;
}

bool Promtool::Result::clean() const {
    return wait_status && WIFEXITED(*wait_status) && WEXITSTATUS(*wait_status) == 0 &&
           output.empty();
}

std::string Promtool::Result::describe() const {
    return "promtool " +
           (wait_status ? ChildProcess::describe_wait_status(*wait_status) : "timed out") +
           ", output:\n" + output;
}

Promtool::Result Promtool::check_metrics(const std::string& exposition) {
    TempDir dir("mwb-promtool");
    TextFile::write(dir.file("metrics.txt"), exposition);
    // promtool reads the exposition from stdin only; ChildProcess gives /dev/null, so a shell
    // redirects it (the temp dir's path has no characters a shell would interpret).
    ChildProcess process("/bin/sh",
                         {"-c", "exec '" + binary() + "' check metrics < '" +
                                    dir.file("metrics.txt").string() + "'"},
                         dir.file("output.txt"));
    Result result;
    result.wait_status = process.wait_exit(std::chrono::seconds(30));
    if (!result.wait_status) process.kill_hard();
    result.output = TextFile::read(dir.file("output.txt"));
    return result;
}

}  // namespace mwb::it
