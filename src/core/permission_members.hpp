// Reads the "subscribe" and "publish" arrays of a JSON object (a token-file
// entry or a JWT payload) into permission templates. Core-internal.
#pragma once

#include <rapidjson/document.h>

#include "mqttws/permissions.hpp"

namespace mqttws {

// Absent members are empty lists; false when one is not an array of strings.
inline bool read_permission_members(const rapidjson::Value& object, Permissions& out) {
    for (auto [name, list] :
         {std::pair{"subscribe", &out.subscribe}, std::pair{"publish", &out.publish}}) {
        const auto member = object.FindMember(name);
        if (member == object.MemberEnd()) continue;
        if (!member->value.IsArray()) return false;
        for (const auto& item : member->value.GetArray()) {
            if (!item.IsString()) return false;
            list->emplace_back(item.GetString(), item.GetStringLength());
        }
    }
    return true;
}

}  // namespace mqttws
