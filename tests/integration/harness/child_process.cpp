#include "harness/child_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace mwb::it {
namespace {

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (auto& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

void write_all(int fd, const char* text) {
    std::size_t length = std::strlen(text);
    while (length > 0) {
        ssize_t n = ::write(fd, text, length);
        if (n <= 0) return;
        text += n;
        length -= static_cast<std::size_t>(n);
    }
}

}  // namespace

ChildProcess::ChildProcess(const std::string& executable, const std::vector<std::string>& args,
                           const std::filesystem::path& stdout_path,
                           const std::optional<std::filesystem::path>& stderr_path,
                           const ChildOptions& options) {
    // Everything the child needs is prepared before fork(): between fork and exec only
    // async-signal-safe calls are allowed (the test process has other threads).
    std::vector<std::string> argv_storage{executable};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<std::string> env_storage;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        if (std::strncmp(*e, "MWB_", 4) != 0) env_storage.emplace_back(*e);
    }
    env_storage.insert(env_storage.end(), options.environment.begin(), options.environment.end());
    std::vector<char*> argv = c_strings(argv_storage);
    std::vector<char*> envp = c_strings(env_storage);

    int out_fd = ::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out_fd < 0) {
        throw std::runtime_error("open " + stdout_path.string() + ": " + std::strerror(errno));
    }
    int err_fd = out_fd;
    if (stderr_path) {
        err_fd = ::open(stderr_path->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (err_fd < 0) {
            int saved = errno;
            ::close(out_fd);
            throw std::runtime_error("open " + stderr_path->string() + ": " + std::strerror(saved));
        }
    }
    int in_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (options.stderr_to_unread_pipe) {
        int ends[2];
        if (::pipe2(ends, O_CLOEXEC) != 0) {
            const int saved = errno;
            if (err_fd != out_fd) ::close(err_fd);
            if (in_fd >= 0) ::close(in_fd);
            ::close(out_fd);
            throw std::runtime_error(std::string("pipe2: ") + std::strerror(saved));
        }
        if (err_fd != out_fd) ::close(err_fd);
        unread_stderr_ = ends[0];
        err_fd = ends[1];
    }
    rlimit open_files{};
    if (options.open_file_limit) {
        open_files.rlim_cur = open_files.rlim_max = *options.open_file_limit;
    }
    const pid_t parent = ::getpid();

    pid_ = ::fork();
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        if (options.open_file_limit && ::setrlimit(RLIMIT_NOFILE, &open_files) != 0) {
            write_all(STDERR_FILENO, "ChildProcess: setrlimit(RLIMIT_NOFILE) failed\n");
            ::_exit(127);
        }
        if (in_fd >= 0) ::dup2(in_fd, STDIN_FILENO);
        ::dup2(out_fd, STDOUT_FILENO);
        ::dup2(err_fd, STDERR_FILENO);
        // Only stdin, stdout and stderr: a descriptor the test process inherited without
        // O_CLOEXEC would count against the child's RLIMIT_NOFILE.
        ::close_range(3, ~0U, 0);
        ::execve(argv[0], argv.data(), envp.data());
        write_all(STDERR_FILENO, "ChildProcess: execve failed: ");
        write_all(STDERR_FILENO, std::strerror(errno));
        write_all(STDERR_FILENO, "\n");
        ::_exit(127);
    }
    int fork_errno = errno;
    if (in_fd >= 0) ::close(in_fd);
    if (err_fd != out_fd) ::close(err_fd);
    ::close(out_fd);
    if (pid_ < 0) {
        if (unread_stderr_ >= 0) ::close(unread_stderr_);
        throw std::runtime_error(std::string("fork: ") + std::strerror(fork_errno));
    }
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && !status_) stop(std::chrono::seconds(10));
    if (unread_stderr_ >= 0) ::close(unread_stderr_);
}

bool ChildProcess::try_reap() {
    if (status_) return true;
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        status_ = status;
        return true;
    }
    if (r < 0 && errno == ECHILD) {
        status_ = -1;  // not ours any more; treat as gone
        return true;
    }
    return false;
}

bool ChildProcess::running() {
    return !try_reap();
}

void ChildProcess::send_signal(int signal) {
    if (!try_reap()) ::kill(pid_, signal);
}

std::optional<int> ChildProcess::wait_exit(const Deadline& deadline) {
    deadline.poll_until([this] { return try_reap(); }, std::chrono::milliseconds(20));
    return status_;
}

int ChildProcess::stop(const Deadline& grace) {
    send_signal(SIGTERM);
    if (wait_exit(grace)) return *status_;
    return kill_hard();
}

int ChildProcess::kill_hard() {
    if (!try_reap()) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        status_ = status;
    }
    return *status_;
}

std::string ChildProcess::describe_wait_status(int status) {
    if (status == -1) return "reaped elsewhere";
    if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        return "killed by signal " + std::to_string(sig) + " (" + ::strsignal(sig) + ")";
    }
    return "wait status " + std::to_string(status);
}

}  // namespace mwb::it
