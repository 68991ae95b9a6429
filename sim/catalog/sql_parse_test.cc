#include <gtest/gtest.h>

#include "sim/catalog/sql_statement.h"

namespace dpc::sim {
namespace {

ProcCall call_of(const std::string& sql) {
  auto st = parse_sql(sql);
  EXPECT_TRUE(st.ok()) << sql << ": " << (st.ok() ? "" : st.message());
  if (!st.ok() || !std::holds_alternative<ProcCall>(*st)) {
    ADD_FAILURE() << sql << " did not parse as a procedure call";
    return {};
  }
  return std::get<ProcCall>(*st);
}

Select select_of(const std::string& sql) {
  auto st = parse_sql(sql);
  EXPECT_TRUE(st.ok()) << sql << ": " << (st.ok() ? "" : st.message());
  if (!st.ok() || !std::holds_alternative<Select>(*st)) {
    ADD_FAILURE() << sql << " did not parse as a SELECT";
    return {};
  }
  return std::get<Select>(*st);
}

OtherStatement other_of(const std::string& sql) {
  auto st = parse_sql(sql);
  EXPECT_TRUE(st.ok()) << sql << ": " << (st.ok() ? "" : st.message());
  if (!st.ok() || !std::holds_alternative<OtherStatement>(*st)) {
    ADD_FAILURE() << sql << " did not parse as an OtherStatement";
    return {};
  }
  return std::get<OtherStatement>(*st);
}

std::string error_of(const std::string& sql) {
  auto st = parse_sql(sql);
  EXPECT_FALSE(st.ok()) << sql << " parsed but should not";
  return st.ok() ? "" : st.message();
}

TEST(ParseSql, ProcCallTakesTheManualsMixedSpacing) {
  ProcCall c = call_of(
      "SP_CREATE_DPC_INSTANCE('RAFT_2','BP2','BP',6002,5238, '223.254.30.136', '223.254.30.136', "
      "'NORMAL', 1, 'BP instance');");
  EXPECT_EQ(c.name, "SP_CREATE_DPC_INSTANCE");
  ASSERT_EQ(c.args.size(), 10u);
  EXPECT_EQ(c.args[0].kind, SqlValue::Kind::String);
  EXPECT_EQ(c.args[0].s, "RAFT_2");
  EXPECT_EQ(c.args[3].kind, SqlValue::Kind::Int);
  EXPECT_EQ(c.args[3].i, 6002);
  EXPECT_EQ(c.args[9].s, "BP instance");
}

TEST(ParseSql, ProcCallAllowsSpaceBeforeParenthesis) {
  ProcCall c = call_of("SP_CREATE_FAULT_DOMAIN ('FDOM_1','shanghai');");
  EXPECT_EQ(c.name, "SP_CREATE_FAULT_DOMAIN");
  ASSERT_EQ(c.args.size(), 2u);
  EXPECT_EQ(c.args[1].s, "shanghai");
}

TEST(ParseSql, ProcCallWithCallPrefixUpperCasesNameButNotStrings) {
  ProcCall c = call_of("  call sp_create_dpc_raft ( 'bp' , 'raft_1' )  ");
  EXPECT_EQ(c.name, "SP_CREATE_DPC_RAFT");
  ASSERT_EQ(c.args.size(), 2u);
  EXPECT_EQ(c.args[0].s, "bp");
  EXPECT_EQ(c.args[1].s, "raft_1");
}

TEST(ParseSql, ProcCallReadsNullNegativeAndSignedIntegers) {
  ProcCall c = call_of("SP_X(NULL, -5, 42, +7, null)");
  ASSERT_EQ(c.args.size(), 5u);
  EXPECT_TRUE(c.args[0].is_null());
  EXPECT_EQ(c.args[1].i, -5);
  EXPECT_EQ(c.args[2].i, 42);
  EXPECT_EQ(c.args[3].i, 7);
  EXPECT_TRUE(c.args[4].is_null());
}

TEST(ParseSql, ProcCallUnescapesDoubledQuotes) {
  ProcCall c = call_of("SP_CREATE_FAULT_DOMAIN('F''1', '''quoted''', '')");
  ASSERT_EQ(c.args.size(), 3u);
  EXPECT_EQ(c.args[0].s, "F'1");
  EXPECT_EQ(c.args[1].s, "'quoted'");
  EXPECT_EQ(c.args[2].kind, SqlValue::Kind::String);
  EXPECT_EQ(c.args[2].s, "");
}

TEST(ParseSql, ProcCallWithoutArguments) {
  EXPECT_TRUE(call_of("SP_RAFT_SWITCHOVER();").args.empty());
  EXPECT_EQ(call_of("CALL SP_RAFT_SUSPEND_THREAD").name, "SP_RAFT_SUSPEND_THREAD");
}

TEST(ParseSql, ProcCallErrorsNamePositionAndExpectation) {
  std::string e = error_of("SP_CREATE_DPC_RAFT('BP' 'RAFT_1')");
  EXPECT_NE(e.find("position 25"), std::string::npos) << e;
  EXPECT_NE(e.find("expected ',' or ')'"), std::string::npos) << e;

  e = error_of("SP_CREATE_DPC_RAFT('BP', 'RAFT_1");
  EXPECT_NE(e.find("position 26"), std::string::npos) << e;
  EXPECT_NE(e.find("not terminated"), std::string::npos) << e;

  e = error_of("SP_CREATE_DPC_RAFT('BP',, 'RAFT_1')");
  EXPECT_NE(e.find("position 25"), std::string::npos) << e;
  EXPECT_NE(e.find("expected NULL, an integer or a '...' string"), std::string::npos) << e;

  e = error_of("SP_X(1.5)");
  EXPECT_NE(e.find("expected an integer"), std::string::npos) << e;

  e = error_of("SP_X(99999999999999999999)");
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;

  e = error_of("SP_X(1); SP_Y(2)");
  EXPECT_NE(e.find("expected the end of the statement"), std::string::npos) << e;

  e = error_of("CALL 'x'");
  EXPECT_NE(e.find("expected a procedure name after CALL"), std::string::npos) << e;
}

TEST(ParseSql, SelectStarUpperCasesTableAndAllowsDollar) {
  Select q = select_of("select * from v$instance;");
  EXPECT_TRUE(q.columns.empty());
  EXPECT_EQ(q.table, "V$INSTANCE");
  EXPECT_TRUE(q.where.empty());
}

TEST(ParseSql, SelectColumnsWithWhereAndAnd) {
  Select q = select_of("SELECT name, status$ FROM DPC_INSTANCE WHERE raft_id = 1 and SYS_MODE = 'STANDBY'");
  EXPECT_EQ(q.columns, (std::vector<std::string>{"NAME", "STATUS$"}));
  EXPECT_EQ(q.table, "DPC_INSTANCE");
  ASSERT_EQ(q.where.size(), 2u);
  EXPECT_EQ(q.where[0].first, "RAFT_ID");
  EXPECT_EQ(q.where[0].second.i, 1);
  EXPECT_EQ(q.where[1].first, "SYS_MODE");
  EXPECT_EQ(q.where[1].second.s, "STANDBY");
}

TEST(ParseSql, SelectKeepsQuotedIdentifiersAsWritten) {
  Select q = select_of("SELECT \"Name\" FROM \"DPC_INSTANCE\"");
  EXPECT_EQ(q.columns, (std::vector<std::string>{"Name"}));
  EXPECT_EQ(q.table, "DPC_INSTANCE");
}

TEST(ParseSql, SchemaPrefixIsDropped) {
  EXPECT_EQ(select_of("SELECT * FROM SYSDBA.DPC_INSTANCE WHERE NAME = 'MP'").table, "DPC_INSTANCE");
  EXPECT_EQ(call_of("SYSDBA.SP_CREATE_DPC_RAFT('BP', 'RAFT_1')").name, "SP_CREATE_DPC_RAFT");
  EXPECT_EQ(call_of("CALL sysdba.sp_create_dpc_raft('BP', 'RAFT_1')").name, "SP_CREATE_DPC_RAFT");
  EXPECT_FALSE(other_of("update sysdba.t set a = 1").is_query);
}

TEST(ParseSql, CommentsAreSkipped) {
  ProcCall c = call_of("SP_CREATE_DPC_RAFT('BP', -- the mode\n 'RAFT_1') -- done");
  ASSERT_EQ(c.args.size(), 2u);
  EXPECT_EQ(c.args[1].s, "RAFT_1");
}

TEST(ParseSql, SelectErrorsOnceTheSimpleShapeIsRecognised) {
  std::string e = error_of("SELECT * FROM DPC_INSTANCE WHERE INST_ID > 4096");
  EXPECT_NE(e.find("expected '=' after INST_ID"), std::string::npos) << e;
  EXPECT_NE(e.find("position 42"), std::string::npos) << e;

  e = error_of("SELECT * FROM DPC_INSTANCE ORDER BY NAME");
  EXPECT_NE(e.find("expected WHERE, ';' or the end of the statement"), std::string::npos) << e;

  e = error_of("SELECT * FROM DPC_INSTANCE WHERE NAME =");
  EXPECT_NE(e.find("end of statement"), std::string::npos) << e;
  EXPECT_NE(e.find("expected NULL, an integer or a '...' string"), std::string::npos) << e;

  e = error_of("SELECT * FROM DPC_INSTANCE WHERE NAME = 'MP' OR NAME = 'SP1'");
  EXPECT_NE(e.find("expected AND"), std::string::npos) << e;
}

TEST(ParseSql, OtherQueriesAreKeptAsText) {
  OtherStatement o = other_of("SELECT 1 FROM DUAL;");
  EXPECT_TRUE(o.is_query);
  EXPECT_EQ(o.text, "SELECT 1 FROM DUAL");
  EXPECT_TRUE(other_of("select count(*) from dpc_instance").is_query);
  EXPECT_TRUE(other_of("select a.name from dpc_instance a").is_query);
  EXPECT_TRUE(other_of("SELECT 1.5 FROM DUAL").is_query);
}

TEST(ParseSql, OtherStatementsAreNotQueries) {
  OtherStatement o = other_of("insert into t values(1, 'x');");
  EXPECT_FALSE(o.is_query);
  EXPECT_EQ(o.text, "insert into t values(1, 'x')");
  EXPECT_FALSE(other_of("exit").is_query);
  EXPECT_FALSE(other_of("CREATE TABLE T(A INT)").is_query);
  EXPECT_FALSE(other_of("update t set a = 1.5").is_query);
}

TEST(ParseSql, EmptyStatementIsAnError) {
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("  ; ").find("empty"), std::string::npos);
}

}  // namespace
}  // namespace dpc::sim
