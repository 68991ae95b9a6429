// OdbcConnector through the real unixODBC driver manager and Debian's
// SQLite3 ODBC driver (libsqliteodbc, registered as "SQLite3" in
// /etc/odbcinst.ini): connect, execute, fetch with column names and NULLs,
// and the error paths with SQLSTATE and native code.
#include "real-backend/odbc_connector.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace dpc::real {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPassword = "Odbc_Secret_987";

class OdbcSqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-odbc-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    settings_.driver = "SQLite3";
    settings_.extra = "DATABASE=" + dir_ + "/cluster.db;";
    settings_.connect_timeout_ms = 2000;
    settings_.connect_retry_ms = 100;
    at_ = SqlEndpoint{"MP", "127.0.0.1", 5236};
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string dir_;
  OdbcSettings settings_;
  SqlEndpoint at_;
};

TEST_F(OdbcSqliteTest, ConnectsExecutesAndFetchesRowsWithColumnNames) {
  OdbcConnector odbc(settings_, Secret(kPassword));
  ASSERT_TRUE(odbc.execute(at_, "CREATE TABLE DPC_INSTANCE (NAME TEXT, INST_ID INTEGER, INFO1 INTEGER)").ok());
  ASSERT_TRUE(odbc.execute(at_, "INSERT INTO DPC_INSTANCE VALUES ('MP', 4096, NULL)").ok());
  ASSERT_TRUE(odbc.execute(at_, "INSERT INTO DPC_INSTANCE VALUES ('BP11', 4097, 65536)").ok());
  auto rows = odbc.execute(at_, "SELECT NAME, INST_ID, INFO1 FROM DPC_INSTANCE ORDER BY INST_ID");
  ASSERT_TRUE(rows.ok()) << rows.message();
  EXPECT_EQ(rows->columns, (std::vector<std::string>{"NAME", "INST_ID", "INFO1"}));
  ASSERT_EQ(rows->rows.size(), 2u);
  EXPECT_EQ(rows->rows[0][0], "MP");
  EXPECT_EQ(rows->rows[0][1], "4096");
  EXPECT_FALSE(rows->rows[0][2].has_value()) << "NULL comes back as nullopt";
  EXPECT_EQ(rows->rows[1][2], "65536");
  EXPECT_EQ(rows->column("inst_id"), 1);
}

TEST_F(OdbcSqliteTest, FetchesLongValuesInPieces) {
  OdbcConnector odbc(settings_, Secret(kPassword));
  ASSERT_TRUE(odbc.execute(at_, "CREATE TABLE T (V TEXT)").ok());
  std::string big(10000, 'x');
  ASSERT_TRUE(odbc.execute(at_, "INSERT INTO T VALUES ('" + big + "')").ok());
  auto rows = odbc.execute(at_, "SELECT V FROM T");
  ASSERT_TRUE(rows.ok()) << rows.message();
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0][0]->size(), big.size());
}

TEST_F(OdbcSqliteTest, AStatementErrorCarriesSqlstateNativeCodeAndTheStatement) {
  OdbcConnector odbc(settings_, Secret(kPassword));
  auto rows = odbc.execute(at_, "SELECT NAME FROM DPC_NO_SUCH_TABLE");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.message().find("[SQLSTATE "), std::string::npos) << rows.message();
  EXPECT_NE(rows.message().find("native "), std::string::npos);
  EXPECT_NE(rows.message().find("no such table"), std::string::npos) << rows.message();
  EXPECT_NE(rows.message().find("MP at 127.0.0.1:5236"), std::string::npos);
  EXPECT_NE(rows.message().find("DPC_NO_SUCH_TABLE"), std::string::npos);
}

TEST_F(OdbcSqliteTest, AnUnknownDriverFailsWithoutRetryingAndNeverShowsThePassword) {
  settings_.driver = "NO SUCH ODBC DRIVER";
  settings_.connect_timeout_ms = 60000;  // would take a minute if it retried
  OdbcConnector odbc(settings_, Secret(kPassword));
  auto started = std::chrono::steady_clock::now();
  auto rows = odbc.execute(at_, "SELECT 1");
  ASSERT_FALSE(rows.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_NE(rows.message().find("[Driver Manager]"), std::string::npos) << rows.message();
  EXPECT_NE(rows.message().find("1 attempt in"), std::string::npos) << rows.message();
  EXPECT_NE(rows.message().find("cannot connect to MP at 127.0.0.1:5236"), std::string::npos);
  EXPECT_EQ(rows.message().find(kPassword), std::string::npos);
}

TEST_F(OdbcSqliteTest, RetriesConnectingUntilTheDeadline) {
  // SQLite cannot open a database in a missing directory: a connection
  // failure that is not a configuration error, so it is retried.
  settings_.extra = "DATABASE=" + dir_ + "/missing/dir/x.db;NoCreat=1;";
  settings_.connect_timeout_ms = 600;
  settings_.connect_retry_ms = 100;
  OdbcConnector odbc(settings_, Secret(kPassword));
  auto rows = odbc.execute(at_, "SELECT 1");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.message().find(" attempts in "), std::string::npos) << rows.message();
}

TEST(OdbcConnectionString, NamesDriverServerPortAndBracesAwkwardValues) {
  OdbcSettings s;
  SqlEndpoint at{"SP1", "127.0.0.1", 5236};
  EXPECT_EQ(odbc_connection_string(s, at, Secret("plainPwd123")),
            "DRIVER={DM8 ODBC DRIVER};SERVER=127.0.0.1;TCP_PORT=5236;UID=SYSDBA;PWD=plainPwd123;");
  EXPECT_NE(odbc_connection_string(s, at, Secret("a;b}c")).find("PWD={a;b}}c};"), std::string::npos);
  s.dsn = "dm_local";
  EXPECT_EQ(odbc_connection_string(s, at, Secret("p")).rfind("DSN=dm_local;", 0), 0u);
}

TEST(OdbcConnectionString, FillsATemplateForAnotherDriver) {
  OdbcSettings s;
  s.driver = "PostgreSQL Unicode";
  s.connection = "DRIVER={%DRIVER%};SERVER=%HOST%;PORT=%PORT%;UID=%UID%;PWD=%PWD%;UseServerSidePrepare=0";
  SqlEndpoint at{"SP1", "10.0.0.2", 5236};
  EXPECT_EQ(odbc_connection_string(s, at, Secret("a;b")),
            "DRIVER={PostgreSQL Unicode};SERVER=10.0.0.2;PORT=5236;UID=SYSDBA;PWD={a;b};UseServerSidePrepare=0;");
  s.extra = "Debug=0";
  EXPECT_EQ(odbc_connection_string(s, at, Secret("p")).substr(0, 40), "DRIVER={PostgreSQL Unicode};SERVER=10.0.");
  EXPECT_NE(odbc_connection_string(s, at, Secret("p")).find(";Debug=0;"), std::string::npos);
  // A literal percent sign that is no placeholder stays.
  s.connection = "SERVER=%HOST%;PORT=%PORT%;X=50%";
  s.extra.clear();
  EXPECT_EQ(odbc_connection_string(s, at, Secret("p")), "SERVER=10.0.0.2;PORT=5236;X=50%;");
  EXPECT_EQ(check_connection_template(s.connection), "");
  EXPECT_EQ(check_connection_template(""), "");
}

TEST(CheckOdbcDriver, LoadsARegisteredDriver) {
  OdbcSettings s;
  s.driver = "SQLite3";
  auto loaded = check_odbc_driver(s);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  EXPECT_NE(loaded->find("libsqlite3odbc"), std::string::npos);
}

TEST(CheckOdbcDriver, AnUnregisteredNameSaysHowToRegisterOrPointAtTheLibrary) {
  OdbcSettings s;  // "DM8 ODBC DRIVER", not registered on a machine without DM
  auto loaded = check_odbc_driver(s);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.message().find("not registered"), std::string::npos);
  EXPECT_NE(loaded.message().find("--odbc-driver PATH"), std::string::npos);
  EXPECT_NE(loaded.message().find("libdodbc.so"), std::string::npos);
}

TEST(CheckOdbcDriver, ALibraryThatIsNotADriverIsRefused) {
  OdbcSettings s;
  s.driver = "/bin/true-not-a-library.so";
  EXPECT_FALSE(check_odbc_driver(s).ok());
}

}  // namespace
}  // namespace dpc::real
