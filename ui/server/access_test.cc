#include "ui/server/access.h"

#include <gtest/gtest.h>

namespace dpc::ui {
namespace {

RequestFacts request(std::string method, std::string host, std::string origin = "", std::string token = "") {
  RequestFacts r;
  r.method = std::move(method);
  r.host = std::move(host);
  r.origin = std::move(origin);
  r.token = std::move(token);
  r.api = true;
  return r;
}

TEST(CheckAccess, LoopbackWithoutTokenAcceptsOnlyItsOwnHostNames) {
  AccessPolicy p{"", {"127.0.0.1:8080", "localhost:8080"}};
  EXPECT_EQ(check_access(p, request("GET", "127.0.0.1:8080")), "");
  EXPECT_EQ(check_access(p, request("GET", "localhost:8080")), "");
  EXPECT_NE(check_access(p, request("GET", "attacker.example:8080")), "");  // DNS rebinding
}

TEST(CheckAccess, ChangesMustComeFromThePagesOwnOrigin) {
  AccessPolicy p{"", {"127.0.0.1:8080", "localhost:8080"}};
  EXPECT_EQ(check_access(p, request("POST", "localhost:8080", "http://localhost:8080")), "");
  EXPECT_EQ(check_access(p, request("POST", "localhost:8080")), "");  // a script: no Origin
  EXPECT_NE(check_access(p, request("POST", "localhost:8080", "http://evil.example")), "");
  EXPECT_NE(check_access(p, request("POST", "localhost:8080", "null")), "");
  EXPECT_EQ(check_access(p, request("GET", "localhost:8080", "http://evil.example")), "");  // reads: Host decides
}

TEST(CheckAccess, WithATokenEveryApiRequestNeedsItAndAnyHostMayCarryIt) {
  AccessPolicy p{"0123456789abcdef0123456789abcdef", {"0.0.0.0:8080"}};
  EXPECT_NE(check_access(p, request("GET", "db1.example:8080")), "");
  EXPECT_NE(check_access(p, request("GET", "db1.example:8080", "", "0123456789abcdef0123456789abcdee")), "");
  EXPECT_EQ(check_access(p, request("GET", "db1.example:8080", "", "0123456789abcdef0123456789abcdef")), "");
  EXPECT_NE(check_access(p, request("POST", "db1.example:8080", "http://evil.example",
                                    "0123456789abcdef0123456789abcdef")), "");
  RequestFacts page = request("GET", "db1.example:8080");
  page.api = false;  // the page itself: it reads the token from its URL
  EXPECT_EQ(check_access(p, page), "");
}

TEST(AccessToken, IsLongRandomHexAndComparedWhole) {
  const std::string a = generate_token(), b = generate_token();
  EXPECT_EQ(a.size(), 32U);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_TRUE(same_secret(a, a));
  EXPECT_FALSE(same_secret(a, a.substr(0, 31)));
  EXPECT_FALSE(same_secret(a, ""));
}

TEST(IsLoopback, KnowsTheLoopbackNames) {
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("127.1.2.3"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_TRUE(is_loopback("localhost"));
  EXPECT_FALSE(is_loopback("0.0.0.0"));
  EXPECT_FALSE(is_loopback("192.168.1.10"));
}

}  // namespace
}  // namespace dpc::ui
