// WsFrameParser against RFC 6455's rules for client frames, one test per rule, and the server's
// frame encoding; the socket code trusts these events, so each refusal has its code pinned here.
#include "mqttws/ws_frame_parser.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace mqttws {
namespace {

using namespace std::string_literals;

constexpr std::size_t kMax = 1 << 20;

enum class LengthForm { shortest, sixteen, sixty_four };

// A client frame: first byte as given (FIN, RSV, opcode), payload masked with a fixed key.
std::string raw_frame(std::uint8_t first_byte, std::string_view payload, bool masked = true,
                      LengthForm form = LengthForm::shortest) {
    static constexpr unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
    std::string out;
    out.push_back(static_cast<char>(first_byte));
    const std::uint64_t size = payload.size();
    const char mask_bit = masked ? '\x80' : '\0';
    if (form == LengthForm::shortest && size <= 125) {
        out.push_back(static_cast<char>(mask_bit | static_cast<char>(size)));
    } else if (form != LengthForm::sixty_four && size <= 0xFFFF) {
        out.push_back(static_cast<char>(mask_bit | 126));
        out.push_back(static_cast<char>(size >> 8));
        out.push_back(static_cast<char>(size));
    } else {
        out.push_back(static_cast<char>(mask_bit | 127));
        for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(size >> (56 - 8 * i)));
    }
    if (masked) out.append(reinterpret_cast<const char*>(key), 4);
    for (std::size_t i = 0; i < payload.size(); ++i) {
        out.push_back(static_cast<char>(payload[i] ^ (masked ? key[i % 4] : 0)));
    }
    return out;
}

std::string frame(std::uint8_t opcode, std::string_view payload, bool fin = true) {
    return raw_frame(static_cast<std::uint8_t>((fin ? 0x80 : 0) | opcode), payload);
}

// A masked header announcing `length` in the 64-bit form, without its payload.
std::string header64(std::uint8_t first_byte, std::uint64_t length) {
    std::string out{static_cast<char>(first_byte), static_cast<char>(0x80 | 127)};
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(length >> (56 - 8 * i)));
    return out + "\x01\x02\x03\x04"s;
}

class Recorder final : public WsFrameSink {
  public:
    std::vector<std::string> events;
    std::size_t last_message_capacity = 0;

    void on_message(const std::string& payload, bool binary) override {
        events.push_back((binary ? "binary:" : "text:") + payload);
        last_message_capacity = payload.capacity();
    }
    void on_ping(std::string_view payload) override {
        events.push_back("ping:" + std::string(payload));
    }
    void on_pong(std::string_view payload) override {
        events.push_back("pong:" + std::string(payload));
    }
    void on_close(std::uint16_t code, std::string_view reason) override {
        events.push_back("close:" + std::to_string(code) + ":" + std::string(reason));
    }
    void on_protocol_error(std::uint16_t code, std::string_view reason) override {
        EXPECT_FALSE(reason.empty());
        EXPECT_LT(reason.size(), 123u);
        for (const char c : reason) EXPECT_TRUE(c >= 0x20 && c < 0x7F) << reason;
        events.push_back("error:" + std::to_string(code));
    }
};

// Feeds `bytes` cut at the given offsets (ascending), each piece a buffer of its own.
std::vector<std::string> parse_pieces(const std::string& bytes,
                                      const std::vector<std::size_t>& cuts,
                                      std::size_t max = kMax) {
    WsFrameParser parser(max);
    Recorder sink;
    std::size_t start = 0;
    auto feed_to = [&](std::size_t end) {
        std::string piece = bytes.substr(start, end - start);
        parser.feed(piece.data(), piece.size(), sink);
        start = end;
    };
    for (const std::size_t cut : cuts) feed_to(cut);
    feed_to(bytes.size());
    return sink.events;
}

std::vector<std::string> parse(const std::string& bytes, std::size_t max = kMax) {
    return parse_pieces(bytes, {}, max);
}

std::vector<std::string> parse_bytewise(const std::string& bytes, std::size_t max = kMax) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < bytes.size(); ++i) cuts.push_back(i);
    return parse_pieces(bytes, cuts, max);
}

using Events = std::vector<std::string>;

TEST(WsFrameParser, TextAndBinaryMessages) {
    std::string all_bytes;
    for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
    EXPECT_EQ(parse(frame(0x1, "hello") + frame(0x2, all_bytes)),
              (Events{"text:hello", "binary:" + all_bytes}));
}

TEST(WsFrameParser, EmptyDataMessagesAreReported) {
    EXPECT_EQ(parse(frame(0x1, "") + frame(0x2, "")), (Events{"text:", "binary:"}));
    EXPECT_EQ(parse(frame(0x1, "", false) + frame(0x0, "", false) + frame(0x0, "")),
              (Events{"text:"}));
}

TEST(WsFrameParser, ReservedBitsRefused) {
    for (const std::uint8_t rsv : {0x40, 0x20, 0x10, 0x70}) {
        EXPECT_EQ(parse(raw_frame(static_cast<std::uint8_t>(0x81 | rsv), "x")),
                  (Events{"error:1002"}))
            << int{rsv};
    }
}

TEST(WsFrameParser, UnknownOpcodesRefused) {
    for (const std::uint8_t op : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
        EXPECT_EQ(parse(frame(op, "")), (Events{"error:1002"})) << int{op};
    }
}

TEST(WsFrameParser, UnmaskedFrameRefused) {
    EXPECT_EQ(parse(raw_frame(0x81, "hi", false)), (Events{"error:1002"}));
    EXPECT_EQ(parse(raw_frame(0x89, "", false)), (Events{"error:1002"}));
}

TEST(WsFrameParser, FragmentedControlFrameRefused) {
    EXPECT_EQ(parse(frame(0x9, "p", false)), (Events{"error:1002"}));
    EXPECT_EQ(parse(frame(0x8, "", false)), (Events{"error:1002"}));
}

TEST(WsFrameParser, ControlPayloadOver125Refused) {
    const std::string at_limit(125, 'p');
    EXPECT_EQ(parse(frame(0x9, at_limit)), (Events{"ping:" + at_limit}));
    EXPECT_EQ(parse(frame(0x9, std::string(126, 'p'))), (Events{"error:1002"}));
    EXPECT_EQ(parse(frame(0xA, std::string(70000, 'p'))), (Events{"error:1002"}));
}

TEST(WsFrameParser, ContinuationWithoutMessageRefused) {
    EXPECT_EQ(parse(frame(0x0, "x")), (Events{"error:1002"}));
    EXPECT_EQ(parse(frame(0x1, "a") + frame(0x0, "b")), (Events{"text:a", "error:1002"}));
}

TEST(WsFrameParser, NewMessageDuringFragmentedOneRefused) {
    EXPECT_EQ(parse(frame(0x1, "a", false) + frame(0x1, "b")), (Events{"error:1002"}));
    EXPECT_EQ(parse(frame(0x2, "a", false) + frame(0x2, "b")), (Events{"error:1002"}));
    EXPECT_EQ(parse(frame(0x2, "a", false) + frame(0x1, "b", false)), (Events{"error:1002"}));
}

TEST(WsFrameParser, SixtyFourBitLengthWithTopBitRefused) {
    // Refused from the header alone, whatever the size limit.
    EXPECT_EQ(parse(header64(0x82, 0x8000000000000000ull), SIZE_MAX), (Events{"error:1002"}));
    EXPECT_EQ(parse(header64(0x82, ~0ull), SIZE_MAX), (Events{"error:1002"}));
}

TEST(WsFrameParser, NonMinimalLengthsAccepted) {
    EXPECT_EQ(parse(raw_frame(0x81, "short", true, LengthForm::sixteen)), (Events{"text:short"}));
    EXPECT_EQ(parse(raw_frame(0x81, "short", true, LengthForm::sixty_four)),
              (Events{"text:short"}));
    // Not for control frames: their 7-bit length must itself be at most 125, which lets the check
    // run on the second byte.
    EXPECT_EQ(parse(raw_frame(0x89, "p", true, LengthForm::sixteen)), (Events{"error:1002"}));
}

TEST(WsFrameParser, SixteenAndSixtyFourBitLengths) {
    for (const std::size_t size : {126u, 65535u, 65536u, 70001u}) {
        std::string payload(size, 'x');
        for (std::size_t i = 0; i < size; i += 7) payload[i] = static_cast<char>('a' + i % 26);
        const std::string bytes = frame(0x2, payload);
        EXPECT_EQ(bytes.size(), payload.size() + (size <= 0xFFFF ? 8 : 14));
        EXPECT_EQ(parse(bytes), (Events{"binary:" + payload})) << size;
        std::vector<std::size_t> cuts;
        for (std::size_t cut = 1; cut < bytes.size(); cut += 997) cuts.push_back(cut);
        EXPECT_EQ(parse_pieces(bytes, cuts), (Events{"binary:" + payload})) << size;
    }
}

TEST(WsFrameParser, MessageSizeLimit) {
    EXPECT_EQ(parse(frame(0x2, std::string(100, 'b')), 100),
              (Events{"binary:" + std::string(100, 'b')}));
    EXPECT_EQ(parse(frame(0x2, std::string(101, 'b')), 100), (Events{"error:1009"}));
    // Across fragments: the limit is on the sum.
    const std::string forty(40, 'f');
    const std::string twenty(20, 't');
    EXPECT_EQ(parse(frame(0x1, forty, false) + frame(0x0, forty, false) + frame(0x0, twenty), 100),
              (Events{"text:" + forty + forty + twenty}));
    EXPECT_EQ(
        parse(frame(0x1, forty, false) + frame(0x0, forty, false) + frame(0x0, twenty + "!"), 100),
        (Events{"error:1009"}));
    // Zero is a usable limit: only empty messages.
    EXPECT_EQ(parse(frame(0x1, "") + frame(0x1, "x"), 0), (Events{"text:", "error:1009"}));
}

TEST(WsFrameParser, OversizeRefusedFromHeaderBeforePayload) {
    WsFrameParser parser(1000);
    Recorder sink;
    std::string header = header64(0x82, 1001);
    parser.feed(header.data(), header.size() - 4, sink);  // not even the mask key yet
    EXPECT_EQ(sink.events, (Events{"error:1009"}));
    EXPECT_TRUE(parser.stopped());
}

TEST(WsFrameParser, InvalidUtf8TextRefused) {
    EXPECT_EQ(parse(frame(0x1, "caf\xc3")), (Events{"error:1007"}));
    EXPECT_EQ(parse(frame(0x1, "\xed\xa0\x80")), (Events{"error:1007"}));  // a surrogate
    EXPECT_EQ(parse(frame(0x1, "ok", false) + frame(0x0, "\xff")), (Events{"error:1007"}));
    // Binary messages are not UTF-8 checked.
    EXPECT_EQ(parse(frame(0x2, "\xff")), (Events{"binary:\xff"}));
}

TEST(WsFrameParser, CodePointSplitAcrossFragmentsAccepted) {
    // U+1F600 (F0 9F 98 80) cut after each of its bytes.
    const std::string smile = "\xf0\x9f\x98\x80";
    for (std::size_t cut = 1; cut < smile.size(); ++cut) {
        EXPECT_EQ(parse(frame(0x1, "a" + smile.substr(0, cut), false) +
                        frame(0x0, smile.substr(cut) + "b")),
                  (Events{"text:a" + smile + "b"}))
            << cut;
    }
    EXPECT_EQ(parse(frame(0x1, "\xe2", false) + frame(0x0, "\x82", false) + frame(0x0, "\xac")),
              (Events{"text:\xe2\x82\xac"}));
}

TEST(WsFrameParser, PingAndPongPayloadsUnmasked) {
    EXPECT_EQ(parse(frame(0x9, "are you there") + frame(0xA, "\x00\xff"s) + frame(0x9, "")),
              (Events{"ping:are you there", "pong:\x00\xff"s, "ping:"}));
}

TEST(WsFrameParser, ControlFramesBetweenFragmentsReportedAtOnce) {
    WsFrameParser parser(kMax);
    Recorder sink;
    std::string first = frame(0x1, "hel", false) + frame(0x9, "p1");
    parser.feed(first.data(), first.size(), sink);
    EXPECT_EQ(sink.events, (Events{"ping:p1"}));
    EXPECT_TRUE(parser.mid_frame());
    std::string rest = frame(0x0, "lo ", false) + frame(0xA, "p2") + frame(0x0, "world");
    parser.feed(rest.data(), rest.size(), sink);
    EXPECT_EQ(sink.events, (Events{"ping:p1", "pong:p2", "text:hello world"}));
    EXPECT_FALSE(parser.mid_frame());
}

TEST(WsFrameParser, CloseFrames) {
    EXPECT_EQ(parse(frame(0x8, "")), (Events{"close:1005:"}));
    EXPECT_EQ(parse(frame(0x8, "\x03\xe8")), (Events{"close:1000:"}));
    EXPECT_EQ(parse(frame(0x8, "\x03\xe9going \xc3\xa9")), (Events{"close:1001:going \xc3\xa9"}));
    EXPECT_EQ(parse(frame(0x8, "\x03")), (Events{"error:1002"}));
    EXPECT_EQ(parse(frame(0x8, "\x03\xe8\xff")), (Events{"error:1007"}));
}

TEST(WsFrameParser, CloseCodesOnTheWire) {
    auto close_with = [](unsigned code) {
        return frame(0x8, std::string{static_cast<char>(code >> 8), static_cast<char>(code)});
    };
    for (const unsigned code :
         {0u, 999u, 1004u, 1005u, 1006u, 1015u, 1016u, 2000u, 2999u, 5000u, 65535u}) {
        EXPECT_EQ(parse(close_with(code)), (Events{"error:1002"})) << code;
    }
    for (const unsigned code : {1000u, 1001u, 1002u, 1003u, 1007u, 1008u, 1009u, 1010u, 1011u,
                                1012u, 1013u, 1014u, 3000u, 4000u, 4999u}) {
        EXPECT_EQ(parse(close_with(code)), (Events{"close:" + std::to_string(code) + ":"})) << code;
    }
}

TEST(WsFrameParser, StoppedAfterClose) {
    WsFrameParser parser(kMax);
    Recorder sink;
    std::string bytes = frame(0x1, "a", false) +
                        frame(0x8,
                              "\x03\xe8"
                              "bye") +
                        frame(0x0, "b") + frame(0x9, "late");
    parser.feed(bytes.data(), bytes.size(), sink);
    EXPECT_EQ(sink.events, (Events{"close:1000:bye"}));
    EXPECT_TRUE(parser.stopped());
    EXPECT_FALSE(parser.mid_frame());
    std::string more = frame(0x1, "after");
    parser.feed(more.data(), more.size(), sink);
    EXPECT_EQ(sink.events, (Events{"close:1000:bye"}));
}

TEST(WsFrameParser, StoppedAfterProtocolError) {
    WsFrameParser parser(kMax);
    Recorder sink;
    std::string bytes = frame(0x3, "") + frame(0x1, "never");
    parser.feed(bytes.data(), bytes.size(), sink);
    EXPECT_EQ(sink.events, (Events{"error:1002"}));
    EXPECT_TRUE(parser.stopped());
    std::string more = frame(0x8, "");
    parser.feed(more.data(), more.size(), sink);
    EXPECT_EQ(sink.events, (Events{"error:1002"}));
}

TEST(WsFrameParser, MidFrame) {
    WsFrameParser parser(kMax);
    Recorder sink;
    EXPECT_FALSE(parser.mid_frame());
    std::string bytes = frame(0x1, "abc");
    parser.feed(bytes.data(), 1, sink);
    EXPECT_TRUE(parser.mid_frame());
    parser.feed(bytes.data() + 1, bytes.size() - 2, sink);
    EXPECT_TRUE(parser.mid_frame());
    parser.feed(bytes.data() + bytes.size() - 1, 1, sink);
    EXPECT_FALSE(parser.mid_frame());
    EXPECT_EQ(sink.events, (Events{"text:abc"}));
}

// One input holding every kind of frame, with a control frame inside a fragmented message, a
// code point split by a fragment boundary, both extended length forms and a close at the end.
std::string mixed_input() {
    const std::string big(300, 'z');
    return frame(0x1, "caf\xc3", false) + frame(0x9, "ping in between") +
           frame(0x0, "\xa9 ", false) + frame(0xA, "") + frame(0x0, "au lait") + frame(0x2, "") +
           raw_frame(0x82, big) + raw_frame(0x81, "x", true, LengthForm::sixty_four) +
           frame(0x2, "bin", false) + frame(0x9, "second ping") + frame(0x0, "ary") +
           frame(0x8,
                 "\x0f\xa0"
                 "done");
}

TEST(WsFrameParser, EverySplitGivesTheSameEvents) {
    const std::string bytes = mixed_input();
    const Events expected{"ping:ping in between",
                          "pong:",
                          "text:caf\xc3\xa9 au lait",
                          "binary:",
                          "binary:" + std::string(300, 'z'),
                          "text:x",
                          "ping:second ping",
                          "binary:binary",
                          "close:4000:done"};
    EXPECT_EQ(parse(bytes), expected);
    EXPECT_EQ(parse_bytewise(bytes), expected);
    for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
        ASSERT_EQ(parse_pieces(bytes, {cut}), expected) << "cut at " << cut;
    }
    std::mt19937 random(6455);
    for (int round = 0; round < 200; ++round) {
        std::vector<std::size_t> cuts;
        for (std::size_t i = 1; i < bytes.size(); ++i) {
            if (random() % 16 == 0) cuts.push_back(i);
        }
        ASSERT_EQ(parse_pieces(bytes, cuts), expected) << "round " << round;
    }
}

TEST(WsFrameParser, EverySplitGivesTheSameErrors) {
    const std::vector<std::pair<std::string, std::size_t>> inputs = {
        {frame(0x1, "ok") + frame(0x1, "\xc3", false) + frame(0x9, "p") + frame(0x0, "("), kMax},
        {frame(0x1, "ok") + frame(0x2, std::string(60, 'a'), false) + frame(0x0, "12345"), 64},
        {frame(0x9, "p") + header64(0x82, 0x8000000000000001ull), kMax},
    };
    for (const auto& [bytes, max] : inputs) {
        const Events whole = parse(bytes, max);
        ASSERT_FALSE(whole.empty());
        EXPECT_EQ(whole.back().rfind("error:", 0), 0u);
        EXPECT_EQ(parse_bytewise(bytes, max), whole);
        for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
            EXPECT_EQ(parse_pieces(bytes, {cut}, max), whole) << cut;
        }
    }
}

TEST(WsFrameParser, BigMessageBufferIsReleased) {
    WsFrameParser parser(kMax);
    Recorder sink;
    std::string bytes = frame(0x2, std::string(10000, 'b'));
    parser.feed(bytes.data(), bytes.size(), sink);
    ASSERT_EQ(sink.events.size(), 1u);
    EXPECT_GE(sink.last_message_capacity, 10000u);
    // The next message starts from a fresh buffer, not the 10000-byte one.
    std::string small = frame(0x2, "s");
    parser.feed(small.data(), small.size(), sink);
    EXPECT_LT(sink.last_message_capacity, 4096u);
}

TEST(WsFrameParser, StaysSmall) {
    EXPECT_LE(sizeof(WsFrameParser), 96u);
}

TEST(WsFrameEncoding, HeaderForms) {
    struct Case {
        std::size_t size;
        std::string header;
    };
    const Case cases[] = {
        {0, "\x82\x00"s},
        {125, "\x82\x7d"s},
        {126, "\x82\x7e\x00\x7e"s},
        {65535, "\x82\x7e\xff\xff"s},
        {65536, "\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00"s},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(ws_frame_header(0x2, c.size), c.header) << c.size;
    }
    EXPECT_EQ(ws_frame_header(0x1, 2), "\x81\x02"s);
    EXPECT_EQ(ws_frame_header(0x8, encode_close_payload(1000, "").size()), "\x88\x02"s);
    EXPECT_EQ(ws_frame_header(0x9, 1), "\x89\x01"s);
    EXPECT_EQ(ws_frame_header(0xA, 0), "\x8a\x00"s);
}

TEST(WsFrameEncoding, ClosePayload) {
    EXPECT_EQ(encode_close_payload(1002, "bad frame"),
              "\x03\xea"
              "bad frame"s);
    EXPECT_EQ(encode_close_payload(4999, ""), "\x13\x87"s);
    const std::string ascii_123(123, 'a');
    EXPECT_EQ(encode_close_payload(1000, ascii_123), "\x03\xe8"s + ascii_123);
    EXPECT_EQ(encode_close_payload(1000, ascii_123 + "b"), "\x03\xe8"s + ascii_123);
    // A euro sign (3 bytes) ending at byte 123 stays; one crossing it is dropped whole.
    const std::string euro = "\xe2\x82\xac";
    EXPECT_EQ(encode_close_payload(1000, std::string(120, 'a') + euro),
              "\x03\xe8"s + std::string(120, 'a') + euro);
    for (std::size_t lead = 121; lead <= 122; ++lead) {
        EXPECT_EQ(encode_close_payload(1000, std::string(lead, 'a') + euro + "tail"),
                  "\x03\xe8"s + std::string(lead, 'a'))
            << lead;
    }
    const std::string smiles = [] {
        std::string s;
        for (int i = 0; i < 40; ++i) s += "\xf0\x9f\x98\x80";
        return s;
    }();
    EXPECT_EQ(encode_close_payload(1000, smiles), "\x03\xe8"s + smiles.substr(0, 120));
}

}  // namespace
}  // namespace mqttws
