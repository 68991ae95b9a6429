#include "real-backend/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace dpc::real {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-atomic-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string dir_;
};

TEST_F(AtomicFileTest, WriteReplacesTheWholeFileAndLeavesNoTemporary) {
  const std::string file = dir_ + "/mp.ini";
  ASSERT_TRUE(write_file_atomic(file, "mp_host = 1\nmp_port = 2\n").ok());
  ASSERT_TRUE(write_file_atomic(file, "short\n").ok());
  auto text = read_whole_file(file);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "short\n");
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(AtomicFileTest, WriteKeepsAnExistingFilesModeUnlessForced) {
  const std::string file = dir_ + "/dm.ini";
  ASSERT_TRUE(write_file_atomic(file, "a\n", 0640, true).ok());
  ASSERT_TRUE(write_file_atomic(file, "b\n").ok());
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST_F(AtomicFileTest, WriteIntoAMissingDirectoryFailsAndCreatesNothing) {
  const std::string file = dir_ + "/bp11/DAMENG/dm.ini";
  Status st = write_file_atomic(file, "x");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(dir_ + "/bp11/DAMENG"), std::string::npos);
  EXPECT_NE(st.message().find("dminit"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ + "/bp11"));
}

TEST_F(AtomicFileTest, AppendAddsToTheEndWithPrivateMode) {
  const std::string file = dir_ + "/x.log";
  ASSERT_TRUE(append_file(file, "one\n").ok());
  ASSERT_TRUE(append_file(file, "two\n").ok());
  EXPECT_EQ(*read_whole_file(file), "one\ntwo\n");
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(AtomicFileTest, ReadOfAMissingFileNamesIt) {
  auto text = read_whole_file(dir_ + "/none");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.message().find(dir_ + "/none"), std::string::npos);
}

TEST_F(AtomicFileTest, CreatePrivateDirMakesParentsWithMode0700) {
  ASSERT_TRUE(create_private_dir(dir_ + "/a/b/logs").ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/a/b/logs").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

}  // namespace
}  // namespace dpc::real
