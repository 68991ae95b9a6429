// parse_sql (sim/catalog/sql_statement.h): a small hand-written lexer and a
// recursive-descent parser for the two statement shapes the simulated
// instances execute themselves — procedure calls and simple SELECTs — with
// everything else passed through as OtherStatement.
//
// Positions in error messages are 1-based byte offsets into the text.
#include <cctype>
#include <charconv>
#include <string>
#include <string_view>

#include "sim/catalog/sql_statement.h"

namespace dpc::sim {
namespace {

enum class Tok { End, Ident, Int, String, Punct };

struct Token {
  Tok kind = Tok::End;
  std::string text;   ///< identifier (upper-cased unless quoted), string contents, punct
  int64_t value = 0;  ///< for Int
  size_t pos = 0;     ///< 0-based offset of the first character
};

bool ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool ident_char(char c) {
  return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$' || c == '#';
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  /// The next token; an error for an unterminated string or quoted name, a
  /// malformed number or a character SQL does not use.
  Result<Token> next() {
    skip_space();
    Token t;
    t.pos = pos_;
    if (pos_ >= text_.size()) return t;
    char c = text_[pos_];
    if (ident_start(c)) {
      size_t start = pos_;
      while (pos_ < text_.size() && ident_char(text_[pos_])) ++pos_;
      t.kind = Tok::Ident;
      t.text = upper(std::string(text_.substr(start, pos_ - start)));
      return t;
    }
    if (c == '"') return quoted_ident(t);
    if (c == '\'') return string_literal(t);
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        ((c == '-' || c == '+') && pos_ + 1 < text_.size() &&
         std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
      return number(t);
    }
    if (std::string_view("()<>=!,;*.+-/%|:&?[]{}").find(c) != std::string_view::npos) {
      ++pos_;
      t.kind = Tok::Punct;
      t.text = std::string(1, c);
      return t;
    }
    return make_error(where(pos_) + ": unexpected character '" + std::string(1, c) + "'");
  }

  /// "at position N (near "...")" for error messages.
  std::string where(size_t pos) const {
    if (pos >= text_.size()) return "at position " + std::to_string(pos + 1) + " (end of statement)";
    std::string near(text_.substr(pos, 12));
    return "at position " + std::to_string(pos + 1) + " (near \"" + near + "\")";
  }

 private:
  void skip_space() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '-' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '-') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        return;
      }
    }
  }

  Result<Token> quoted_ident(Token t) {
    size_t close = text_.find('"', pos_ + 1);
    if (close == std::string_view::npos || close == pos_ + 1) {
      return make_error(where(pos_) + ": expected a name and a closing '\"'");
    }
    t.kind = Tok::Ident;
    t.text = std::string(text_.substr(pos_ + 1, close - pos_ - 1));
    pos_ = close + 1;
    return t;
  }

  Result<Token> string_literal(Token t) {
    size_t start = pos_;
    ++pos_;
    std::string value;
    while (true) {
      if (pos_ >= text_.size()) {
        return make_error(where(start) + ": string literal is not terminated; expected a closing '");
      }
      char c = text_[pos_++];
      if (c == '\'') {
        if (pos_ < text_.size() && text_[pos_] == '\'') {
          value += '\'';
          ++pos_;
          continue;
        }
        break;
      }
      value += c;
    }
    t.kind = Tok::String;
    t.text = std::move(value);
    return t;
  }

  Result<Token> number(Token t) {
    size_t start = pos_;
    if (text_[pos_] == '-' || text_[pos_] == '+') ++pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '.' || ident_char(text_[pos_]))) {
      return make_error(where(start) + ": expected an integer (decimals and exponents are not supported)");
    }
    std::string_view digits = text_.substr(start, pos_ - start);
    if (digits.front() == '+') digits.remove_prefix(1);
    int64_t v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      return make_error(where(start) + ": integer " + std::string(digits) + " is out of range");
    }
    t.kind = Tok::Int;
    t.value = v;
    t.text = std::string(digits);
    return t;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

/// Parser state: the lexer plus one token of look-ahead.
class Parser {
 public:
  explicit Parser(std::string_view text) : lex_(text) {}

  Status advance() {
    auto t = lex_.next();
    if (!t) return t.error();
    cur_ = std::move(*t);
    return Status::Ok();
  }
  const Token& cur() const { return cur_; }
  bool is_punct(char c) const { return cur_.kind == Tok::Punct && cur_.text.size() == 1 && cur_.text[0] == c; }
  bool is_word(const char* w) const { return cur_.kind == Tok::Ident && cur_.text == w; }
  Error expected(const std::string& what) const {
    return make_error(lex_.where(cur_.pos) + ": expected " + what);
  }

  Status expect_punct(char c, const std::string& what) {
    if (!is_punct(c)) return expected(what);
    return advance();
  }

  /// `;` optionally, then the end of the text.
  Status finish() {
    if (is_punct(';')) {
      if (Status s = advance(); !s) return s;
    }
    if (cur_.kind != Tok::End) return expected("the end of the statement");
    return Status::Ok();
  }

  Result<SqlValue> literal() {
    SqlValue v;
    if (cur_.kind == Tok::Int) {
      v = SqlValue::integer(cur_.value);
    } else if (cur_.kind == Tok::String) {
      v = SqlValue::string(cur_.text);
    } else if (is_word("NULL")) {
      v = SqlValue::null();
    } else {
      return expected("NULL, an integer or a '...' string");
    }
    if (Status s = advance(); !s) return s.error();
    return v;
  }

  Result<std::string> name(const std::string& what) {
    if (cur_.kind != Tok::Ident) return expected(what);
    std::string n = cur_.text;
    if (Status s = advance(); !s) return s.error();
    return n;
  }

 private:
  Lexer lex_;
  Token cur_;
};

/// The text without surrounding space and without one trailing ';'.
std::string trim_statement(const std::string& text) {
  size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  if (e > b && text[e - 1] == ';') {
    --e;
    while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  }
  return text.substr(b, e - b);
}

OtherStatement other(const std::string& text, bool is_query) {
  return OtherStatement{trim_statement(text), is_query};
}

/// After the procedure name: `( [arg {, arg}] )` or nothing, then the end.
Result<Statement> parse_call(Parser& p, std::string name) {
  ProcCall call;
  call.name = std::move(name);
  if (p.is_punct('(')) {
    if (Status s = p.advance(); !s) return s.error();
    if (!p.is_punct(')')) {
      while (true) {
        auto v = p.literal();
        if (!v) return v.error();
        call.args.push_back(std::move(*v));
        if (p.is_punct(',')) {
          if (Status s = p.advance(); !s) return s.error();
          continue;
        }
        if (!p.is_punct(')')) return p.expected("',' or ')' after argument " + std::to_string(call.args.size()));
        break;
      }
    }
    if (Status s = p.advance(); !s) return s.error();  // ')'
  }
  if (Status s = p.finish(); !s) return s.error();
  return Statement{std::move(call)};
}

/// After SELECT. Returns nullopt when the statement is not of the simple
/// `SELECT * | col, ... FROM table` shape (then it is an OtherStatement);
/// once that shape is recognised, the rest must be a valid WHERE or the end.
Result<std::optional<Select>> parse_select(Parser& p) {
  // In the shape phase a token that does not lex (say a decimal in the select
  // list) only means the statement is not ours.
  const std::optional<Select> not_ours;
  Select q;
  if (p.is_punct('*')) {
    if (!p.advance()) return not_ours;
  } else {
    while (true) {
      if (p.cur().kind != Tok::Ident || p.is_word("FROM")) return not_ours;
      q.columns.push_back(p.cur().text);
      if (!p.advance()) return not_ours;
      if (!p.is_punct(',')) break;
      if (!p.advance()) return not_ours;
    }
  }
  if (!p.is_word("FROM")) return not_ours;
  if (!p.advance() || p.cur().kind != Tok::Ident) return not_ours;
  q.table = p.cur().text;
  if (!p.advance()) return not_ours;
  if (p.is_punct('.')) {  // SCHEMA.TABLE: the schema is dropped
    if (!p.advance() || p.cur().kind != Tok::Ident) return not_ours;
    q.table = p.cur().text;
    if (!p.advance()) return not_ours;
  }
  if (p.is_punct('.') || p.is_punct(',') || p.is_punct('(')) return not_ours;
  if (p.is_word("WHERE")) {
    if (Status s = p.advance(); !s) return s.error();
    while (true) {
      auto col = p.name("a column name");
      if (!col) return col.error();
      if (Status s = p.expect_punct('=', "'=' after " + *col + " (only col = value is supported)"); !s) {
        return s.error();
      }
      auto v = p.literal();
      if (!v) return v.error();
      q.where.emplace_back(std::move(*col), std::move(*v));
      if (!p.is_word("AND")) break;
      if (Status s = p.advance(); !s) return s.error();
    }
    if (p.cur().kind != Tok::End && !p.is_punct(';')) return p.expected("AND, ';' or the end of the statement");
  } else if (p.cur().kind != Tok::End && !p.is_punct(';')) {
    return p.expected("WHERE, ';' or the end of the statement");
  }
  if (Status s = p.finish(); !s) return s.error();
  return std::optional<Select>{std::move(q)};
}

}  // namespace

Result<Statement> parse_sql(const std::string& text) {
  Parser p(text);
  if (Status s = p.advance(); !s) {
    // Not even the first word lexes: not ours, unless empty.
    if (trim_statement(text).empty()) return make_error("empty SQL statement: expected a statement");
    return Statement{other(text, false)};
  }
  if (p.cur().kind == Tok::End || (p.is_punct(';') && trim_statement(text).empty())) {
    return make_error("empty SQL statement: expected a statement");
  }
  if (p.is_word("SELECT")) {
    if (Status s = p.advance(); !s) return Statement{other(text, true)};
    auto q = parse_select(p);
    if (!q) return q.error();
    if (*q) return Statement{std::move(**q)};
    return Statement{other(text, true)};
  }
  if (p.is_word("CALL")) {
    if (Status s = p.advance(); !s) return s.error();
    auto name = p.name("a procedure name after CALL");
    if (!name) return name.error();
    if (p.is_punct('.')) {  // SCHEMA.PROC: the schema is dropped
      if (Status s = p.advance(); !s) return s.error();
      name = p.name("a procedure name after '.'");
      if (!name) return name.error();
    }
    return parse_call(p, std::move(*name));
  }
  if (p.cur().kind == Tok::Ident) {
    std::string name = p.cur().text;
    if (Status s = p.advance(); !s) return Statement{other(text, false)};
    if (p.is_punct('.')) {  // SCHEMA.PROC(...): the schema is dropped
      if (!p.advance() || p.cur().kind != Tok::Ident) return Statement{other(text, false)};
      name = p.cur().text;
      if (!p.advance()) return Statement{other(text, false)};
    }
    if (p.is_punct('(')) return parse_call(p, std::move(name));
  }
  return Statement{other(text, false)};
}

}  // namespace dpc::sim
