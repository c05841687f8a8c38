#include "mqttws/request_frame.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/writer.h>

namespace mqttws {

namespace {

using InputStream = rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream>;

// Rapidjson's Writer appends to any stream with Put/Flush: straight into the payload, with no
// buffer to copy out of.
struct StringOutput {
    using Ch = char;
    std::string* out;
    void Put(char c) { out->push_back(c); }
    void Flush() {}
};

// Forwards the payload's events to a Writer and counts every other value.
class SplitHandler {
  public:
    SplitHandler(std::string_view frame, const InputStream& input)
        : frame_(frame), input_(input), writer_(output_) {
        output_.out = &payload_;
    }

    bool Null() {
        return scalar([](Writer& w) { return w.Null(); });
    }
    bool Bool(bool b) {
        return scalar([b](Writer& w) { return w.Bool(b); });
    }
    bool Int(int i) {
        return scalar([i](Writer& w) { return w.Int(i); });
    }
    bool Uint(unsigned u) {
        return scalar([u](Writer& w) { return w.Uint(u); });
    }
    bool Int64(std::int64_t i) {
        return scalar([i](Writer& w) { return w.Int64(i); });
    }
    bool Uint64(std::uint64_t u) {
        return scalar([u](Writer& w) { return w.Uint64(u); });
    }
    bool Double(double d) {
        return scalar([d](Writer& w) { return w.Double(d); });
    }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
        return scalar([=](Writer& w) { return w.RawValue(s, n, rapidjson::kNumberType); });
    }
    bool String(const char* s, rapidjson::SizeType n, bool) {
        if (!begin_value()) return false;
        if (!in_payload_) return true;
        if (depth_ == payload_depth_) {
            payload_is_string_ = true;
            payload_.assign(s, n);
            end_payload();
            return true;
        }
        return writer_.String(s, n);
    }
    bool StartObject() {
        if (depth_ == 0) top_is_object_ = true;
        if (!begin_value()) return false;
        ++depth_;
        return !in_payload_ || writer_.StartObject();
    }
    bool Key(const char* s, rapidjson::SizeType n, bool) {
        if (in_payload_) return writer_.Key(s, n);
        if (!count()) return false;
        if (depth_ == 1 && top_is_object_ && !captured_ && std::string_view(s, n) == "payload") {
            payload_key_end_ = input_.Tell();
            payload_next_ = true;
        }
        return true;
    }
    bool EndObject(rapidjson::SizeType members) {
        --depth_;
        if (!in_payload_) return true;
        if (!writer_.EndObject(members)) return false;
        if (depth_ == payload_depth_) end_payload(1);
        return true;
    }
    bool StartArray() {
        if (!begin_value()) return false;
        ++depth_;
        return !in_payload_ || writer_.StartArray();
    }
    bool EndArray(rapidjson::SizeType elements) {
        --depth_;
        if (!in_payload_) return true;
        if (!writer_.EndArray(elements)) return false;
        if (depth_ == payload_depth_) end_payload(1);
        return true;
    }

    bool too_many_values() const { return values_ > max_request_values; }
    std::size_t payload_start() const { return payload_start_; }
    std::size_t payload_end() const { return payload_end_; }
    bool captured() const { return captured_; }
    bool payload_is_string() const { return payload_is_string_; }
    std::string take_payload() { return std::move(payload_); }

  private:
    using Writer = rapidjson::Writer<StringOutput>;

    template <typename Write>
    bool scalar(Write write) {
        if (!begin_value()) return false;
        if (!in_payload_) return true;
        if (!write(writer_)) return false;
        if (depth_ == payload_depth_) end_payload();
        return true;
    }

    bool count() { return ++values_ <= max_request_values; }

    bool begin_value() {
        if (payload_next_) {
            payload_next_ = false;
            in_payload_ = true;
            payload_depth_ = depth_;
            payload_start_ = value_start(payload_key_end_);
            // Compact JSON is at most about the size of its source.
            payload_.reserve(frame_.size() - payload_start_);
            return true;
        }
        return in_payload_ || count();
    }

    // The iterative reader takes a closing bracket only after its event: `unread` counts it.
    void end_payload(std::size_t unread = 0) {
        in_payload_ = false;
        captured_ = true;
        payload_end_ = input_.Tell() + unread;
    }

    // Where the value after a key begins: past whitespace, the colon and whitespace.
    std::size_t value_start(std::size_t at) const {
        const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
        while (at < frame_.size() && (blank(frame_[at]) || frame_[at] == ':')) ++at;
        return at;
    }

    std::string_view frame_;
    const InputStream& input_;
    std::string payload_;
    StringOutput output_{};
    Writer writer_;
    int depth_ = 0;
    bool top_is_object_ = false;
    bool payload_next_ = false;
    bool in_payload_ = false;
    bool captured_ = false;
    bool payload_is_string_ = false;
    int payload_depth_ = 0;
    std::size_t payload_key_end_ = 0;
    std::size_t payload_start_ = 0;
    std::size_t payload_end_ = 0;
    std::size_t values_ = 0;
};

}  // namespace

std::variant<SplitFrame, SplitFailure> split_request_frame(std::string_view frame) {
    rapidjson::MemoryStream bytes(frame.data(), frame.size());
    InputStream input(bytes);
    SplitFrame out;
    SplitHandler handler(frame, input);
    rapidjson::Reader reader;
    const rapidjson::ParseResult parsed =
        reader.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(
            input, handler);
    if (handler.too_many_values()) {
        return SplitFailure{true, "a request may hold at most " +
                                      std::to_string(max_request_values) +
                                      " JSON values outside its payload"};
    }
    if (parsed.IsError()) {
        return SplitFailure{
            false, std::string("not valid JSON: ") + rapidjson::GetParseError_En(parsed.Code())};
    }
    if (!handler.captured()) {
        out.rest.assign(frame);
        return out;
    }
    out.payload = handler.take_payload();
    out.payload_is_string = handler.payload_is_string();
    out.rest.reserve(frame.size() - (handler.payload_end() - handler.payload_start()) + 4);
    out.rest.append(frame.substr(0, handler.payload_start()))
        .append("null")
        .append(frame.substr(handler.payload_end()));
    return out;
}

}  // namespace mqttws
