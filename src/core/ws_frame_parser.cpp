// Client-frame parsing as a byte-driven state machine: every check runs at the byte that decides
// it, so the events depend only on the bytes and never on how reads split them.
#include "mqttws/ws_frame_parser.hpp"

#include "mqttws/utf8.hpp"

#include <algorithm>
#include <cstring>

namespace mqttws {

// Tens of thousands of idle connections each hold one; with libstdc++ it is 80 bytes.
static_assert(sizeof(WsFrameParser) <= 96, "WsFrameParser lives in every connection");

namespace {

constexpr std::size_t max_control_payload = 125;
constexpr std::size_t max_close_reason = 123;
// A message buffer that grew past this is given back after its message, so one big message does
// not stay resident in an idle connection.
constexpr std::size_t kept_buffer_capacity = 4096;

// Unmasks `n` bytes from `src` into `dst` (which may be `src`) a word at a time; `phase` is the
// position of src[0] in the frame's payload, which picks the key byte it starts with.
void unmask_copy(char* dst, const char* src, std::size_t n, const unsigned char* key,
                 std::size_t phase) {
    unsigned char pattern[8];
    for (std::size_t i = 0; i < 8; ++i) pattern[i] = key[(phase + i) & 3];
    std::uint64_t word_key;
    std::memcpy(&word_key, pattern, sizeof word_key);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, src + i, sizeof word);
        word ^= word_key;
        std::memcpy(dst + i, &word, sizeof word);
    }
    // i is a multiple of 8 here, so pattern[i & 7] is still the key byte for position i.
    for (; i < n; ++i) dst[i] = static_cast<char>(src[i] ^ pattern[i & 7]);
}

bool close_code_allowed(std::uint16_t code) {
    // RFC 6455 7.4: 1004-1006 and 1015 are reserved or never on the wire, 1016-2999 belong to
    // future revisions of the protocol, 3000-4999 to libraries and applications.
    if (code < 1000 || code >= 5000) return false;
    if (code >= 3000) return true;
    return code <= 1003 || (code >= 1007 && code <= 1014);
}

}  // namespace

WsFrameParser::WsFrameParser(std::size_t max_message_size) : max_message_size_(max_message_size) {}

bool WsFrameParser::mid_frame() const {
    return state_ != State::stopped &&
           (header_have_ > 0 || state_ == State::payload || message_opcode_ != 0);
}

std::size_t WsFrameParser::header_needed() const {
    if (header_have_ < 2) return header_have_ + 1u;
    const unsigned len7 = header_[1] & 0x7F;
    const std::size_t extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    if (header_have_ < 2 + extended) return 2 + extended;
    return 2 + extended + 4;
}

void WsFrameParser::feed(char* data, std::size_t size, WsFrameSink& sink) {
    while (size > 0 && state_ != State::stopped) {
        if (state_ == State::header) {
            const std::size_t needed = header_needed();
            const std::size_t n = std::min(needed - header_have_, size);
            std::memcpy(header_ + header_have_, data, n);
            header_have_ = static_cast<std::uint8_t>(header_have_ + n);
            data += n;
            size -= n;
            if (header_have_ == needed && !header_checkpoint(sink)) return;
            continue;
        }
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(frame_remaining_, size));
        const std::size_t phase = static_cast<std::size_t>((frame_length_ - frame_remaining_) & 3);
        if (is_control() && n == frame_length_) {
            // The whole control frame is in this read: report it from the caller's buffer.
            unmask_copy(data, data, n, mask_, 0);
            data += n;
            size -= n;
            header_have_ = 0;
            state_ = State::header;
            if (!deliver_control(opcode(), std::string_view(data - n, n), sink)) return;
            continue;
        }
        const std::size_t old_size = buffer_.size();
        // resize() zero-fills before the unmasking copy writes; std::string offers no cheaper way
        // to grow in C++17, and the growth is geometric rather than trusting a header's length.
        buffer_.resize(old_size + n);
        unmask_copy(&buffer_[old_size], data, n, mask_, phase);
        data += n;
        size -= n;
        frame_remaining_ -= n;
        if (frame_remaining_ == 0 && !finish_frame(sink)) return;
    }
}

bool WsFrameParser::header_checkpoint(WsFrameSink& sink) {
    const std::uint8_t op = opcode();
    if (header_have_ == 1) {
        if ((header_[0] & 0x70) != 0) {
            fail(ws_close::protocol_error, "reserved bits set without an extension", sink);
            return false;
        }
        if (op != ws_opcode::continuation && op != ws_opcode::text && op != ws_opcode::binary &&
            op != ws_opcode::close && op != ws_opcode::ping && op != ws_opcode::pong) {
            fail(ws_close::protocol_error, "unknown opcode", sink);
            return false;
        }
        if (is_control() && !fin()) {
            fail(ws_close::protocol_error, "fragmented control frame", sink);
            return false;
        }
        if (op == ws_opcode::continuation && message_opcode_ == 0) {
            fail(ws_close::protocol_error, "continuation frame without a message", sink);
            return false;
        }
        if (op != ws_opcode::continuation && !is_control() && message_opcode_ != 0) {
            fail(ws_close::protocol_error, "new message before the fragmented one ended", sink);
            return false;
        }
        return true;
    }

    const unsigned len7 = header_[1] & 0x7F;
    const std::size_t extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    bool length_known = false;
    if (header_have_ == 2) {
        if ((header_[1] & 0x80) == 0) {
            fail(ws_close::protocol_error, "client frame not masked", sink);
            return false;
        }
        if (is_control() && len7 > max_control_payload) {
            fail(ws_close::protocol_error, "control frame payload over 125 bytes", sink);
            return false;
        }
        if (extended == 0) {
            frame_length_ = len7;
            length_known = true;
        }
    } else if (header_have_ == 2 + extended) {
        std::uint64_t length = 0;
        for (std::size_t i = 0; i < extended; ++i) length = (length << 8) | header_[2 + i];
        if (length >> 63 != 0) {
            fail(ws_close::protocol_error, "64-bit payload length with its top bit set", sink);
            return false;
        }
        frame_length_ = length;
        length_known = true;
    }
    if (length_known) {
        // Decided on the header's word alone, before a byte of the payload is buffered.
        if (!is_control() && frame_length_ > max_message_size_ - buffer_.size()) {
            fail(ws_close::message_too_big, "message too big", sink);
            return false;
        }
        return true;
    }
    if (header_have_ != 2 + extended + 4) return true;

    std::memcpy(mask_, header_ + header_have_ - 4, sizeof mask_);
    frame_remaining_ = frame_length_;
    if (op == ws_opcode::text || op == ws_opcode::binary) message_opcode_ = op;
    state_ = State::payload;
    if (frame_length_ == 0) return finish_frame(sink);
    return true;
}

bool WsFrameParser::finish_frame(WsFrameSink& sink) {
    header_have_ = 0;
    state_ = State::header;
    if (is_control()) {
        // The frame was gathered after the data message so far (an empty one has no bytes).
        const std::size_t start = buffer_.size() - static_cast<std::size_t>(frame_length_);
        if (!deliver_control(opcode(), std::string_view(buffer_).substr(start), sink)) {
            return false;
        }
        if (message_opcode_ == 0) {
            release_buffer();
        } else {
            buffer_.resize(start);
        }
        return true;
    }
    if (!fin()) return true;
    return finish_message(sink);
}

bool WsFrameParser::deliver_control(std::uint8_t op, std::string_view payload, WsFrameSink& sink) {
    if (op == ws_opcode::ping) {
        sink.on_ping(payload);
        return true;
    }
    if (op == ws_opcode::pong) {
        sink.on_pong(payload);
        return true;
    }
    // A close frame.
    if (payload.empty()) {
        state_ = State::stopped;
        sink.on_close(ws_close::no_status, {});
        release_buffer();
        return false;
    }
    if (payload.size() == 1) {
        fail(ws_close::protocol_error, "close frame with a 1-byte payload", sink);
        return false;
    }
    const auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                                 static_cast<unsigned char>(payload[1]));
    if (!close_code_allowed(code)) {
        fail(ws_close::protocol_error, "close code not allowed on the wire", sink);
        return false;
    }
    const std::string_view reason = payload.substr(2);
    if (!is_valid_utf8(reason)) {
        fail(ws_close::invalid_payload, "close reason is not valid UTF-8", sink);
        return false;
    }
    state_ = State::stopped;
    sink.on_close(code, reason);
    release_buffer();
    return false;
}

bool WsFrameParser::finish_message(WsFrameSink& sink) {
    // Whole-message validation: a fragment boundary may split a code point.
    if (message_opcode_ == ws_opcode::text && !is_valid_utf8(buffer_)) {
        fail(ws_close::invalid_payload, "text message is not valid UTF-8", sink);
        return false;
    }
    const bool binary = message_opcode_ == ws_opcode::binary;
    message_opcode_ = 0;
    sink.on_message(buffer_, binary);
    if (buffer_.capacity() > kept_buffer_capacity) {
        release_buffer();
    } else {
        buffer_.clear();
    }
    return true;
}

void WsFrameParser::fail(std::uint16_t code, std::string_view reason, WsFrameSink& sink) {
    state_ = State::stopped;
    sink.on_protocol_error(code, reason);
    release_buffer();
}

void WsFrameParser::release_buffer() {
    std::string().swap(buffer_);
    if (state_ == State::stopped) {
        message_opcode_ = 0;
        header_have_ = 0;
    }
}

std::string ws_frame_header(std::uint8_t opcode, std::uint64_t size) {
    unsigned char header[10];
    std::size_t header_size = 2;
    header[0] = static_cast<unsigned char>(0x80 | (opcode & 0x0F));
    if (size <= max_control_payload) {
        header[1] = static_cast<unsigned char>(size);
    } else if (size <= 0xFFFF) {
        header[1] = 126;
        header[2] = static_cast<unsigned char>(size >> 8);
        header[3] = static_cast<unsigned char>(size);
        header_size = 4;
    } else {
        header[1] = 127;
        for (int i = 0; i < 8; ++i)
            header[2 + i] = static_cast<unsigned char>(size >> (56 - 8 * i));
        header_size = 10;
    }
    return std::string(reinterpret_cast<const char*>(header), header_size);
}

std::string encode_close_payload(std::uint16_t code, std::string_view reason) {
    if (reason.size() > max_close_reason) {
        std::size_t cut = max_close_reason;
        // Back up to the start of the sequence the cut falls in, so no code point is split.
        while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;
        reason = reason.substr(0, cut);
    }
    std::string payload;
    payload.reserve(2 + reason.size());
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xFF));
    payload.append(reason);
    return payload;
}

}  // namespace mqttws
