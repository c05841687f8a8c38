// A small writer for the Prometheus text exposition format 0.0.4: HELP and
// TYPE once per family, then its samples, label values escaped.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace mqttws {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class PrometheusText {
  public:
    // Starts a metric family; `type` is counter, gauge or histogram.
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, double value, Labels labels = {});
    void sample(std::string_view name, std::uint64_t value, Labels labels = {});

    const std::string& text() const { return out_; }

  private:
    void labels(Labels labels);
    std::string out_;
};

}  // namespace mqttws
