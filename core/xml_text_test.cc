#include "core/xml_text.h"

#include <gtest/gtest.h>

namespace dpc {
namespace {

TEST(XmlEscape, EscapesMarkup) {
  EXPECT_EQ(xml_escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
}

TEST(XmlEscape, ControlCharactersXmlForbidsBecomeSpacesButLineBreaksStay) {
  EXPECT_EQ(xml_escape(std::string("a\x01" "b\x1b" "c\td\ne\rf")), "a b c\td\ne\rf");
  EXPECT_EQ(xml_escape("无效的系统状态"), "无效的系统状态") << "UTF-8 passes through";
}

}  // namespace
}  // namespace dpc
