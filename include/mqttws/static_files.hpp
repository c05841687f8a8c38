// The web console's files, held in memory and looked up by request path.
// The caller reads the files once at start; a request can only ever name one
// of the files added here, so no request path reaches the file system.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mqttws {

struct StaticFile {
    std::string content;
    std::string_view content_type;
};

// What to answer to one HTTP request for a static file.
struct StaticResponse {
    int status = 200;
    std::vector<std::pair<std::string_view, std::string_view>> headers;
    const std::string* body = nullptr;  // owned by the StaticFiles
};

class StaticFiles {
  public:
    // The Content-Type for a file name by its extension; nullopt for a kind
    // the console never serves.
    static std::optional<std::string_view> content_type_for(std::string_view name);

    // Adds a file under its bare name ("client.js"). False, and nothing
    // added, for a name with a '/', a leading '.', or an unknown extension.
    bool add(const std::string& name, std::string content);

    // The file for a request path without its query ("/" is index.html);
    // null for anything else.
    const StaticFile* find(std::string_view path) const;

    // The answer for `method` and `path`; nullopt when the path is not one of
    // ours (the caller goes on to its other endpoints). HEAD is answered as
    // GET: the caller sends it without the body.
    std::optional<StaticResponse> respond(std::string_view method, std::string_view path) const;

    std::size_t size() const { return files_.size(); }
    bool empty() const { return files_.empty(); }

  private:
    std::map<std::string, StaticFile, std::less<>> files_;
};

}  // namespace mqttws
