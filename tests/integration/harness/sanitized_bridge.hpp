#pragma once

// Whether the bridge under test runs under a sanitizer (ASan/UBSan or TSan). Then the
// allocator's quarantine and shadow memory dominate its RSS, so memory bounds are only
// checked for gross growth.
namespace mwb::it {

#if defined(MWB_BRIDGE_SANITIZED) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kBridgeSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kBridgeSanitized = true;
#else
inline constexpr bool kBridgeSanitized = false;
#endif
#else
inline constexpr bool kBridgeSanitized = false;
#endif

}  // namespace mwb::it
