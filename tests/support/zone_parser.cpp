// zone_parser.cpp - parse_zone: a lexer for logical entries, then a parser for each entry.
//
// The lexer turns text into entries (one line, or several joined by parentheses) of tokens
// with escapes already decoded; the parser knows owners, TTLs, classes, types and rdata.
// Escaped dots inside labels (\.) are decoded like any other escape and so become label
// separators: test data does not need them, and the resolver's names are dotted strings.
#include "tests/support/zone_parser.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <stdexcept>

#include "resolver/resolver.hpp"

namespace enma::resolver {

namespace {

constexpr std::uint64_t kMaxTtl = 0x7fffffff;  // RFC 2181 section 8

[[noreturn]] void fail(std::size_t line, const std::string& why) {
    throw std::invalid_argument("line " + std::to_string(line) + ": " + why);
}

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return out;
}

// Token - one word or quoted string; m_raw is the undecoded text of an unquoted word (it
// tells `\#` from `#` and an escaped final dot from an absolute name).
struct Token {
    std::string m_text;
    std::string_view m_raw;
    bool m_quoted = false;
    std::size_t m_line = 0;
};

struct Entry {
    std::vector<Token> m_tokens;
    bool m_blank_owner = false;  // the entry's first line began with a space or tab
    std::size_t m_line = 0;
};

using Tokens = std::span<const Token>;

// Lexer - splits master-file text into entries (RFC 1035 section 5.1).
class Lexer {
public:
    explicit Lexer(std::string_view text) : m_text(text) {}
    // next - the next entry with at least one token; false at the end of the text.
    bool next(Entry& entry);

private:
    bool at_end() const noexcept { return m_pos >= m_text.size(); }
    char peek() const noexcept { return m_text[m_pos]; }
    void skip_comment();
    void open_paren();
    void close_paren();
    Token read_quoted();
    Token read_word();
    void read_escape(std::string& out);

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::size_t m_line = 1;
    std::size_t m_paren_line = 0;
    int m_depth = 0;
};

bool is_delimiter(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '(' || c == ')' ||
           c == '"';
}

bool Lexer::next(Entry& entry) {
    entry = Entry{};
    bool line_start = true;
    while (!at_end()) {
        const char c = peek();
        if (line_start) {
            entry.m_blank_owner = c == ' ' || c == '\t';
            entry.m_line = m_line;
            line_start = false;
        }
        if (c == '\n') {
            ++m_pos;
            ++m_line;
            if (m_depth > 0)
                continue;
            if (!entry.m_tokens.empty())
                return true;
            line_start = true;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            ++m_pos;
        } else if (c == ';') {
            skip_comment();
        } else if (c == '(') {
            open_paren();
        } else if (c == ')') {
            close_paren();
        } else {
            entry.m_tokens.push_back(c == '"' ? read_quoted() : read_word());
        }
    }
    if (m_depth != 0)
        fail(m_paren_line, "'(' is never closed");
    return !entry.m_tokens.empty();
}

void Lexer::skip_comment() {
    while (!at_end() && peek() != '\n')
        ++m_pos;
}

void Lexer::open_paren() {
    if (m_depth++ == 0)
        m_paren_line = m_line;
    ++m_pos;
}

void Lexer::close_paren() {
    if (m_depth == 0)
        fail(m_line, "')' without '('");
    --m_depth;
    ++m_pos;
}

Token Lexer::read_quoted() {
    Token token{{}, {}, true, m_line};
    ++m_pos;  // the opening quote
    while (true) {
        if (at_end())
            fail(token.m_line, "unterminated quoted string");
        const char c = peek();
        if (c == '"') {
            ++m_pos;
            return token;
        }
        // A line break inside quotes is almost always a missing quote in test data.
        if (c == '\n')
            fail(token.m_line, "line break inside a quoted string");
        if (c == '\\') {
            read_escape(token.m_text);
        } else {
            token.m_text += c;
            ++m_pos;
        }
    }
}

Token Lexer::read_word() {
    Token token{{}, {}, false, m_line};
    const std::size_t start = m_pos;
    while (!at_end() && !is_delimiter(peek())) {
        if (peek() == '\\') {
            read_escape(token.m_text);
        } else {
            token.m_text += peek();
            ++m_pos;
        }
    }
    token.m_raw = m_text.substr(start, m_pos - start);
    return token;
}

// read_escape - \DDD (a decimal octet) or \X (X itself); m_pos is at the backslash.
void Lexer::read_escape(std::string& out) {
    ++m_pos;
    if (at_end())
        fail(m_line, "backslash at the end of the text");
    if (!is_digit(peek())) {
        if (peek() == '\n')
            ++m_line;
        out += peek();
        ++m_pos;
        return;
    }
    if (m_pos + 3 > m_text.size() || !is_digit(m_text[m_pos + 1]) || !is_digit(m_text[m_pos + 2]))
        fail(m_line, "\\DDD escape needs three digits");
    const int value =
        (m_text[m_pos] - '0') * 100 + (m_text[m_pos + 1] - '0') * 10 + (m_text[m_pos + 2] - '0');
    if (value > 255)
        fail(m_line, "\\DDD escape over 255");
    out += static_cast<char>(value);
    m_pos += 3;
}

// ttl_unit - seconds in a BIND TTL unit letter, 0 if not one.
std::uint64_t ttl_unit(char c) noexcept {
    switch (c) {
        case 's':
        case 'S':
            return 1;
        case 'm':
        case 'M':
            return 60;
        case 'h':
        case 'H':
            return 3600;
        case 'd':
        case 'D':
            return 86400;
        case 'w':
        case 'W':
            return 604800;
        default:
            return 0;
    }
}

// parse_ttl - "3600" or "1h30m"; at most 2^31-1 seconds.
std::uint32_t parse_ttl(const Token& token) {
    const auto bad = [&] { fail(token.m_line, "bad TTL '" + token.m_text + "'"); };
    if (token.m_quoted || token.m_text.empty())
        bad();
    std::uint64_t total = 0;
    std::uint64_t value = 0;
    bool digits = false;
    for (char c : token.m_text) {
        if (is_digit(c)) {
            value = value * 10 + static_cast<std::uint64_t>(c - '0');
            digits = true;
        } else if (ttl_unit(c) != 0 && digits) {
            total += value * ttl_unit(c);
            value = 0;
            digits = false;
        } else {
            bad();
        }
        if (value > kMaxTtl || total > kMaxTtl)
            bad();
    }
    total += value;
    if (total > kMaxTtl)
        bad();
    return static_cast<std::uint32_t>(total);
}

bool is_class(std::string_view text) {
    const std::string word = upper(text);
    return word == "IN" || word == "CH" || word == "HS" || word == "CS" || word == "ANY" ||
           word == "NONE" || (word.size() > 5 && word.starts_with("CLASS"));
}

struct TypeName {
    std::string_view m_name;
    std::uint16_t m_number;
};

// The types decoded into RecordData, then those only kept as text so their owners exist.
constexpr std::array<TypeName, 21> kTypes{{
    {"A", 1},           {"NS", 2},     {"CNAME", 5},  {"PTR", 12},   {"MX", 15},     {"TXT", 16},
    {"AAAA", 28},       {"SPF", 99},   {"SOA", 6},    {"HINFO", 13}, {"SRV", 33},    {"NAPTR", 35},
    {"DS", 43},         {"SSHFP", 44}, {"RRSIG", 46}, {"NSEC", 47},  {"DNSKEY", 48}, {"NSEC3", 50},
    {"NSEC3PARAM", 51}, {"TLSA", 52},  {"CAA", 257},
}};

// parse_type - a mnemonic from kTypes or RFC 3597's TYPEnnn.
RrType parse_type(const Token& token) {
    const std::string word = upper(token.m_text);
    if (!token.m_quoted) {
        for (const auto& type : kTypes)
            if (word == type.m_name)
                return static_cast<RrType>(type.m_number);
        const std::string_view digits =
            std::string_view(word).substr(std::min<std::size_t>(4, word.size()));
        if (word.starts_with("TYPE") && !digits.empty() && digits.size() <= 5 &&
            std::all_of(digits.begin(), digits.end(), is_digit)) {
            const unsigned long number = std::stoul(std::string(digits));
            if (number >= 1 && number <= 65535)
                return static_cast<RrType>(number);
        }
    }
    fail(token.m_line, "unknown type '" + token.m_text + "'");
}

bool is_modelled(RrType type) noexcept {
    switch (type) {
        case RrType::a:
        case RrType::ns:
        case RrType::cname:
        case RrType::ptr:
        case RrType::mx:
        case RrType::txt:
        case RrType::aaaa:
        case RrType::spf:
            return true;
    }
    return false;
}

void expect_count(Tokens tokens, std::size_t count, std::size_t line, std::string_view type) {
    if (tokens.size() != count)
        fail(line, std::string(type) + " needs " + std::to_string(count) + " field(s), got " +
                       std::to_string(tokens.size()));
}

std::uint16_t parse_u16(const Token& token, std::string_view what) {
    const std::string& text = token.m_text;
    if (token.m_quoted || text.empty() || text.size() > 5 ||
        !std::all_of(text.begin(), text.end(), is_digit) || std::stoul(text) > 65535)
        fail(token.m_line, "bad " + std::string(what) + " '" + text + "'");
    return static_cast<std::uint16_t>(std::stoul(text));
}

// WireReader - RFC 3597 rdata octets decoded field by field; overruns are syntax errors.
class WireReader {
public:
    WireReader(std::string bytes, std::size_t line) : m_bytes(std::move(bytes)), m_line(line) {}
    bool done() const noexcept { return m_pos == m_bytes.size(); }
    std::size_t size() const noexcept { return m_bytes.size(); }
    std::string take(std::size_t count) {
        if (count > m_bytes.size() - m_pos)
            fail(m_line, "\\# rdata too short for its type");
        std::string out = m_bytes.substr(m_pos, count);
        m_pos += count;
        return out;
    }
    std::uint8_t octet() { return static_cast<std::uint8_t>(take(1)[0]); }
    // name - uncompressed wire labels to a dotted name ("" for the root).
    std::string name() {
        std::string out;
        for (std::uint8_t length = octet(); length != 0; length = octet()) {
            if (length > 63)
                fail(m_line, "\\# rdata holds a compressed or bad name");
            if (!out.empty())
                out += '.';
            out += take(length);
        }
        return out;
    }

private:
    std::string m_bytes;
    std::size_t m_pos = 0;
    std::size_t m_line;
};

int hex_value(char c) noexcept {
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// generic_octets - `len hex...` after the `\#` of RFC 3597 section 5.
std::string generic_octets(Tokens tokens, std::size_t line) {
    if (tokens.empty())
        fail(line, "\\# needs a length");
    const std::size_t length = parse_u16(tokens[0], "\\# length");
    std::string hex;
    for (const Token& token : tokens.subspan(1))
        hex += token.m_text;
    if (hex.size() % 2 != 0)
        fail(line, "\\# data has an odd number of hex digits");
    std::string bytes;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int high = hex_value(hex[i]);
        const int low = hex_value(hex[i + 1]);
        if (high < 0 || low < 0)
            fail(line, "\\# data is not hex");
        bytes += static_cast<char>(high * 16 + low);
    }
    if (bytes.size() != length)
        fail(line, "\\# length does not match its data");
    return bytes;
}

RecordData wire_fields(RrType type, WireReader& wire, std::size_t line) {
    switch (type) {
        case RrType::a:
        case RrType::aaaa: {
            const std::size_t size = type == RrType::a ? 4 : 16;
            if (wire.size() != size)
                fail(line, "\\# address has the wrong length");
            const std::string bytes = wire.take(size);
            std::array<std::uint8_t, 16> octets{};
            std::copy(bytes.begin(), bytes.end(), octets.begin());
            if (size == 4)
                return IpAddress::v4({octets[0], octets[1], octets[2], octets[3]});
            return IpAddress::v6(octets);
        }
        case RrType::mx: {
            MxRecord mx;
            mx.m_preference = static_cast<std::uint16_t>(wire.octet() << 8);
            mx.m_preference = static_cast<std::uint16_t>(mx.m_preference | wire.octet());
            mx.m_exchange = wire.name();
            return mx;
        }
        case RrType::txt:
        case RrType::spf: {
            std::string text;
            if (wire.done())
                fail(line, "\\# TXT data is empty");
            while (!wire.done())
                text += wire.take(wire.octet());
            return text;
        }
        default:
            return wire.name();  // NS, CNAME, PTR
    }
}

// wire_rdata - decode RFC 3597 generic rdata of a modelled type.
RecordData wire_rdata(RrType type, Tokens tokens, std::size_t line) {
    WireReader wire(generic_octets(tokens, line), line);
    RecordData data = wire_fields(type, wire, line);
    if (!wire.done())
        fail(line, "\\# rdata longer than its type allows");
    return data;
}

RecordData address(Tokens tokens, std::size_t line, bool v6) {
    expect_count(tokens, 1, line, v6 ? "AAAA" : "A");
    const Token& token = tokens[0];
    const bool colon = token.m_text.find(':') != std::string::npos;
    const auto parsed = IpAddress::parse(token.m_text);
    if (token.m_quoted || !parsed || colon != v6 || (!v6 && !parsed->is_v4()))
        fail(line, std::string(v6 ? "bad IPv6" : "bad IPv4") + " address '" + token.m_text + "'");
    return *parsed;
}

// character_strings - TXT/SPF: one or more strings of at most 255 octets, joined.
RecordData character_strings(Tokens tokens, std::size_t line) {
    if (tokens.empty())
        fail(line, "TXT needs at least one character-string");
    std::string text;
    for (const Token& token : tokens) {
        if (token.m_text.size() > 255)
            fail(token.m_line, "character-string over 255 octets");
        text += token.m_text;
    }
    return text;
}

// raw_text - rdata of a type enma never queries, kept as its words.
RecordData raw_text(Tokens tokens, std::size_t line) {
    if (tokens.empty())
        fail(line, "missing record data");
    std::string text;
    for (const Token& token : tokens) {
        if (!text.empty())
            text += ' ';
        text += token.m_quoted ? token.m_text : std::string(token.m_raw);
    }
    return text;
}

bool ends_with_unescaped_dot(std::string_view raw) noexcept {
    if (raw.empty() || raw.back() != '.')
        return false;
    std::size_t backslashes = 0;
    for (std::size_t i = raw.size() - 1; i > 0 && raw[i - 1] == '\\'; --i)
        ++backslashes;
    return backslashes % 2 == 0;
}

// Parser - turns entries into records, keeping $ORIGIN, $TTL and the previous owner.
class Parser {
public:
    explicit Parser(std::string_view origin);
    void entry(const Entry& entry, std::vector<ZoneRecord>& out);

private:
    void directive(const Entry& entry);
    ZoneRecord record(const Entry& entry);
    std::string owner(const Entry& entry);
    std::string name(const Token& token) const;
    RecordData rdata(RrType type, Tokens tokens, std::size_t line) const;
    RecordData mx(Tokens tokens, std::size_t line) const;

    std::string m_origin;
    std::string m_last_owner;
    std::optional<std::uint32_t> m_dollar_ttl;
    std::optional<std::uint32_t> m_last_ttl;
};

Parser::Parser(std::string_view origin) : m_origin(origin) {
    if (!m_origin.empty() && m_origin.back() == '.')
        m_origin.pop_back();
}

void Parser::entry(const Entry& entry, std::vector<ZoneRecord>& out) {
    const Token& first = entry.m_tokens.front();
    if (!entry.m_blank_owner && !first.m_quoted && first.m_raw.starts_with('$'))
        directive(entry);
    else
        out.push_back(record(entry));
}

void Parser::directive(const Entry& entry) {
    const Tokens args = Tokens(entry.m_tokens).subspan(1);
    const std::string keyword = upper(entry.m_tokens.front().m_text);
    if (keyword == "$ORIGIN") {
        expect_count(args, 1, entry.m_line, "$ORIGIN");
        m_origin = name(args[0]);
    } else if (keyword == "$TTL") {
        expect_count(args, 1, entry.m_line, "$TTL");
        m_dollar_ttl = parse_ttl(args[0]);
    } else {
        fail(entry.m_line, "unsupported directive " + keyword);
    }
}

ZoneRecord Parser::record(const Entry& entry) {
    const Tokens tokens(entry.m_tokens);
    ZoneRecord record;
    record.m_owner = owner(entry);
    std::size_t i = entry.m_blank_owner ? 0 : 1;
    std::optional<std::uint32_t> ttl;
    bool have_class = false;
    for (; i < tokens.size() && !tokens[i].m_quoted; ++i) {  // TTL and class, either order
        const std::string& word = tokens[i].m_text;
        if (!ttl && !word.empty() && is_digit(word[0])) {
            ttl = parse_ttl(tokens[i]);
        } else if (!have_class && is_class(word)) {
            if (upper(word) != "IN")
                fail(entry.m_line, "only class IN is supported");
            have_class = true;
        } else {
            break;
        }
    }
    if (i == tokens.size())
        fail(entry.m_line, "missing type");
    record.m_type = parse_type(tokens[i]);
    if (ttl)
        m_last_ttl = ttl;
    record.m_ttl = ttl ? *ttl : m_dollar_ttl.value_or(m_last_ttl.value_or(kZoneDefaultTtl));
    record.m_data = rdata(record.m_type, tokens.subspan(i + 1), entry.m_line);
    m_last_owner = record.m_owner;
    return record;
}

// owner - the entry's owner name, or the previous one when the entry starts with a blank.
std::string Parser::owner(const Entry& entry) {
    if (entry.m_blank_owner) {
        if (m_last_owner.empty())
            fail(entry.m_line, "blank owner name with no previous owner");
        return m_last_owner;
    }
    std::string owner = name(entry.m_tokens.front());
    if (owner.empty())
        fail(entry.m_line, "the root cannot own records here");
    return owner;
}

// name - absolute as is (dot stripped), `@` the origin, relative names get the origin.
std::string Parser::name(const Token& token) const {
    if (token.m_quoted)
        fail(token.m_line, "a domain name cannot be quoted");
    if (token.m_raw == "@") {
        if (m_origin.empty())
            fail(token.m_line, "'@' used without an origin");
        return m_origin;
    }
    if (token.m_raw == ".")
        return "";
    std::string out = token.m_text;
    if (ends_with_unescaped_dot(token.m_raw))
        out.pop_back();
    else if (!m_origin.empty())
        out += "." + m_origin;
    if (!is_valid_query_name(out))
        fail(token.m_line, "bad domain name '" + token.m_text + "'");
    return out;
}

RecordData Parser::rdata(RrType type, Tokens tokens, std::size_t line) const {
    const bool generic = !tokens.empty() && !tokens[0].m_quoted && tokens[0].m_raw == "\\#";
    if (!is_modelled(type)) {
        if (generic)
            (void)generic_octets(tokens.subspan(1), line);  // still check its syntax
        return raw_text(tokens, line);
    }
    if (generic)
        return wire_rdata(type, tokens.subspan(1), line);
    switch (type) {
        case RrType::a:
            return address(tokens, line, false);
        case RrType::aaaa:
            return address(tokens, line, true);
        case RrType::mx:
            return mx(tokens, line);
        case RrType::txt:
        case RrType::spf:
            return character_strings(tokens, line);
        default:  // NS, CNAME, PTR
            expect_count(tokens, 1, line, to_string(type));
            return name(tokens[0]);
    }
}

RecordData Parser::mx(Tokens tokens, std::size_t line) const {
    expect_count(tokens, 2, line, "MX");
    return MxRecord{parse_u16(tokens[0], "MX preference"), name(tokens[1])};
}

}  // namespace

std::vector<ZoneRecord> parse_zone(std::string_view text, std::string_view origin) {
    Lexer lexer(text);
    Parser parser(origin);
    std::vector<ZoneRecord> records;
    Entry entry;
    while (lexer.next(entry))
        parser.entry(entry, records);
    return records;
}

}  // namespace enma::resolver
