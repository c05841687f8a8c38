// Client WebSocket frames: the parser never crashes, reports the same events however the bytes
// are split across reads, keeps its promises about each event, and is silent once stopped.
#include "fuzz_check.hpp"
#include "mqttws/utf8.hpp"
#include "mqttws/ws_frame_parser.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Event {
    char kind;  // 't'ext, 'b'inary, 'p'ing, 'o' pong, 'c'lose, 'e'rror
    std::uint16_t code;
    std::string payload;
    bool operator==(const Event& other) const {
        return kind == other.kind && code == other.code && payload == other.payload;
    }
};

class Recorder final : public mqttws::WsFrameSink {
  public:
    explicit Recorder(std::size_t max) : max_(max) {}
    std::vector<Event> events;
    bool ended = false;

    void on_message(const std::string& payload, bool binary) override {
        FUZZ_CHECK(!ended);
        FUZZ_CHECK(payload.size() <= max_);
        if (!binary) FUZZ_CHECK(mqttws::is_valid_utf8(payload));
        events.push_back({binary ? 'b' : 't', 0, payload});
    }
    void on_ping(std::string_view payload) override {
        FUZZ_CHECK(!ended);
        FUZZ_CHECK(payload.size() <= 125);
        events.push_back({'p', 0, std::string(payload)});
    }
    void on_pong(std::string_view payload) override {
        FUZZ_CHECK(!ended);
        FUZZ_CHECK(payload.size() <= 125);
        events.push_back({'o', 0, std::string(payload)});
    }
    void on_close(std::uint16_t code, std::string_view reason) override {
        FUZZ_CHECK(!ended);
        ended = true;
        FUZZ_CHECK(code >= 1000 && code < 5000 && code != 1004 && code != 1006 &&
                   (code < 1015 || code >= 3000));
        if (code == mqttws::ws_close::no_status) FUZZ_CHECK(reason.empty());
        FUZZ_CHECK(reason.size() <= 123 && mqttws::is_valid_utf8(reason));
        events.push_back({'c', code, std::string(reason)});
    }
    void on_protocol_error(std::uint16_t code, std::string_view reason) override {
        FUZZ_CHECK(!ended);
        ended = true;
        FUZZ_CHECK(code == mqttws::ws_close::protocol_error ||
                   code == mqttws::ws_close::invalid_payload ||
                   code == mqttws::ws_close::message_too_big);
        FUZZ_CHECK(!reason.empty() && reason.size() < 123);
        for (const char c : reason) FUZZ_CHECK(c >= 0x20 && c < 0x7F);
        events.push_back({'e', code, std::string(reason)});
    }

  private:
    std::size_t max_;
};

// Feeds `stream` in pieces whose lengths come from `next_piece` (each piece a fresh copy, since
// the parser may write into it), then the whole stream again when the parser has stopped.
template <typename NextPiece>
std::vector<Event> run(std::string_view stream, std::size_t max, NextPiece next_piece) {
    mqttws::WsFrameParser parser(max);
    Recorder sink(max);
    std::size_t at = 0;
    std::string piece;
    while (at < stream.size()) {
        const std::size_t n = std::min(next_piece(), stream.size() - at);
        piece.assign(stream.substr(at, n));
        parser.feed(piece.data(), piece.size(), sink);
        at += n;
        FUZZ_CHECK(parser.stopped() == sink.ended);
    }
    if (parser.stopped()) {
        FUZZ_CHECK(!parser.mid_frame());
        const std::size_t before = sink.events.size();
        piece.assign(stream);
        parser.feed(piece.data(), piece.size(), sink);
        FUZZ_CHECK(sink.events.size() == before);
    }
    return sink.events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    // Input: a byte choosing the size limit (small ones reach 1009), a byte seeding the random
    // split, then the client's bytes.
    if (size < 2) return 0;
    const std::size_t max =
        (data[0] & 0x80) ? static_cast<std::size_t>(data[0] & 0x7F) * 1024 : data[0];
    std::uint32_t state = data[1] * 2654435761u + 1;
    const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

    const auto whole = run(stream, max, [&] { return stream.size(); });
    FUZZ_CHECK(run(stream, max, [] { return std::size_t{1}; }) == whole);
    FUZZ_CHECK(run(stream, max, [&] {
                   state = state * 1103515245u + 12345u;
                   return std::size_t{1} + (state >> 16) % 23;
               }) == whole);
    return 0;
}
