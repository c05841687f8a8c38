// The --token-file format.
#include "mqttws/token_table.hpp"

#include <gtest/gtest.h>

namespace mqttws {
namespace {

constexpr const char* kHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

TEST(TokenTable, ReadsEntries) {
    const auto parsed = parse_token_table(std::string(R"({"tokens":[{"sha256":")") + kHash +
                                          R"(","subject":"alice","subscribe":["s/{sub}/#"],)"
                                          R"("publish":["p/{sub}"]},{"sha256":")" +
                                          kHash + R"("}]})");
    ASSERT_TRUE(std::holds_alternative<std::vector<TokenEntry>>(parsed))
        << std::get<std::string>(parsed);
    const auto& entries = std::get<std::vector<TokenEntry>>(parsed);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].sha256[0], 0x9f);
    EXPECT_EQ(entries[0].sha256[31], 0x08);
    EXPECT_EQ(entries[0].subject, "alice");
    EXPECT_EQ(entries[0].permissions.subscribe, std::vector<std::string>{"s/alice/#"});
    EXPECT_EQ(entries[0].permissions.publish, std::vector<std::string>{"p/alice"});
    EXPECT_TRUE(entries[1].permissions.subscribe.empty());
}

TEST(TokenTable, RefusesBadInput) {
    for (
        const std::string& text : std::vector<std::string>{
            "", "[]", R"({"tokens":{}})", R"({"tokens":[{"sha256":"abc"}]})",
            R"({"tokens":[{"sha256":"zz86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]})",
            std::string(R"({"tokens":[{"sha256":")") + kHash + R"(","subscribe":"a"}]})",
            std::string(R"({"tokens":[{"sha256":")") + kHash + R"(","subscribe":["a/#/b"]}]})",
            std::string(R"({"tokens":[{"sha256":")") + kHash +
                R"(","subject":"a/+","subscribe":["s/{sub}"]}]})"}) {
        const auto parsed = parse_token_table(text);
        EXPECT_TRUE(std::holds_alternative<std::string>(parsed)) << text;
    }
}

}  // namespace
}  // namespace mqttws
