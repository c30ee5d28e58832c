// crypto_floor.cpp - crypto-floor: OpenSSL's own cost of verifying one message's DKIM signature.
//
//   crypto-floor --message FILE.eml --key KEY.txt [--seconds S | --iterations N]
//
// The floor of S6 (bench/s6.py): what any verifier must spend in OpenSSL for the message, to
// set enma's CPU per message beside. It reads the message's first DKIM-Signature (rsa-sha256)
// and the selector's TXT record text ("v=DKIM1; k=rsa; p=..."; bench/corpus.py's
// DIR/keys/s1.txt), builds the canonical body and the data-to-be-signed once, checks that bh=
// and b= really verify (exit 1 otherwise: a failing check takes a different path in OpenSSL and
// would measure something else), then repeats, per iteration, exactly the OpenSSL calls enma
// makes per signature (verify/dkim/body_hash.cpp, public_key.cpp):
//   SHA-256 of the canonical body; EVP_DigestVerifyInit(sha256) + EVP_DigestVerify over the
//   signed header fields and the DKIM-Signature (one SHA-256 and one RSA-2048 verification).
// The key is decoded once, as enma's PublicKeyCache keeps it. Its last line:
//   result crypto_floor_ms_per_msg=X body_sha256_ms=X header_verify_ms=X iterations=N
//          cpu_s=X wall_s=X body_bytes=N header_bytes=N
// with CPU time from CLOCK_PROCESS_CPUTIME_ID (the process is single-threaded).
//
// The canonicalisation (RFC 6376 3.4, simple and relaxed) is a small one of its own rather than
// enma's, so that the floor does not depend on the code it is compared with; it runs outside
// the timed loop (it is not cryptography), and the check of bh= and b= proves it right.
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <time.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

const char* const kUsage =
    "usage: crypto-floor --message FILE.eml --key KEY.txt [--seconds S | --iterations N]\n"
    "  --message FILE  a message with an rsa-sha256 DKIM-Signature (its first one is used)\n"
    "  --key FILE      the selector's DNS TXT text: v=DKIM1; k=rsa; p=BASE64\n"
    "  --seconds S     CPU time to spend in the timed loop (default 1)\n"
    "  --iterations N  a fixed number of iterations instead\n";

struct Options {
    std::string m_message;
    std::string m_key;
    double m_seconds = 1.0;
    unsigned long m_iterations = 0;  // 0: from --seconds
};

struct Field {
    std::string m_name;  // as written
    std::string m_raw;   // the whole field, folding included, without the final CRLF
};

struct MdCtxFree {
    void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string value_of(int argc, char** argv, int& i) {
    if (i + 1 >= argc)
        throw std::invalid_argument(std::string(argv[i]) + " needs a value");
    return argv[++i];
}

Options parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--message")
            options.m_message = value_of(argc, argv, i);
        else if (flag == "--key")
            options.m_key = value_of(argc, argv, i);
        else if (flag == "--seconds")
            options.m_seconds = std::stod(value_of(argc, argv, i));
        else if (flag == "--iterations")
            options.m_iterations = std::stoul(value_of(argc, argv, i));
        else
            throw std::invalid_argument("unknown flag " + std::string(flag));
    }
    if (options.m_message.empty() || options.m_key.empty())
        throw std::invalid_argument("--message and --key are required");
    if (options.m_seconds <= 0)
        throw std::invalid_argument("--seconds must be positive");
    return options;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

std::string strip_whitespace(std::string_view text) {
    std::string out;
    for (char c : text)
        if (!is_wsp(c) && c != '\r' && c != '\n')
            out += c;
    return out;
}

// split_message - the header fields (unfolded only later, by the canonicalisation) and the body.
std::pair<std::vector<Field>, std::string> split_message(std::string text) {
    if (text.find("\r\n") == std::string::npos) {  // a file saved with LF endings
        std::string crlf;
        for (char c : text)
            crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        text = std::move(crlf);
    }
    const auto end = text.find("\r\n\r\n");
    if (end == std::string::npos)
        throw std::runtime_error("no end of header in the message");
    std::vector<Field> fields;
    std::size_t pos = 0;
    while (pos < end + 2) {
        std::size_t line_end = text.find("\r\n", pos);
        // A field runs on while the next line starts with white space (folding).
        while (line_end + 2 < end + 2 && is_wsp(text[line_end + 2]))
            line_end = text.find("\r\n", line_end + 2);
        std::string raw = text.substr(pos, line_end - pos);
        const auto colon = raw.find(':');
        if (colon == std::string::npos)
            throw std::runtime_error("header line without a colon: " + raw.substr(0, 40));
        fields.push_back({trim(raw.substr(0, colon)), std::move(raw)});
        pos = line_end + 2;
    }
    return {std::move(fields), text.substr(end + 4)};
}

// tags - a DKIM tag-list (RFC 6376 3.2) as (name, value) pairs, values with FWS kept.
std::vector<std::pair<std::string, std::string>> tags(std::string_view list) {
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t pos = 0;
    while (pos <= list.size()) {
        const auto semicolon = std::min(list.find(';', pos), list.size());
        const std::string_view spec = list.substr(pos, semicolon - pos);
        const auto equals = spec.find('=');
        if (equals != std::string_view::npos)
            out.emplace_back(trim(spec.substr(0, equals)), trim(spec.substr(equals + 1)));
        pos = semicolon + 1;
    }
    return out;
}

std::string tag(const std::vector<std::pair<std::string, std::string>>& list,
                std::string_view name) {
    for (const auto& [key, value] : list)
        if (key == name)
            return value;
    return {};
}

std::string decode_base64(std::string_view text) {
    const std::string clean = strip_whitespace(text);
    if (clean.empty() || clean.size() % 4 != 0 || clean.size() > INT_MAX / 2)
        throw std::runtime_error("bad base64 value");
    std::string out(clean.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(clean.data()),
                                  static_cast<int>(clean.size()));
    if (n < 0)
        throw std::runtime_error("bad base64 value");
    // EVP_DecodeBlock counts the padding as zero bytes.
    const auto padding = clean.size() - clean.find_last_not_of('=') - 1;
    out.resize(static_cast<std::size_t>(n) - padding);
    return out;
}

// relaxed_header - RFC 6376 3.4.2: lower-case name, unfolded, WSP runs to one SP, none at the
// ends of the value, none around the colon; with the CRLF.
std::string relaxed_header(std::string_view raw) {
    const auto colon = raw.find(':');
    std::string value;
    bool space = false;
    for (char c : raw.substr(colon + 1)) {
        if (c == '\r' || c == '\n')
            continue;
        if (is_wsp(c)) {
            space = true;
            continue;
        }
        if (space && !value.empty())
            value += ' ';
        space = false;
        value += c;
    }
    return lower(trim(raw.substr(0, colon))) + ":" + value + "\r\n";
}

// canonical_body - RFC 6376 3.4.3 / 3.4.4 (no l= here: the corpus signs the whole body).
std::string canonical_body(std::string_view body, bool relaxed) {
    std::string out;
    if (relaxed) {
        std::size_t pos = 0;
        while (pos < body.size()) {
            auto end = body.find("\r\n", pos);
            const bool terminated = end != std::string_view::npos;
            if (!terminated)
                end = body.size();
            std::string line;
            bool space = false;
            for (char c : body.substr(pos, end - pos)) {
                if (is_wsp(c)) {
                    space = true;
                    continue;
                }
                if (space)
                    line += ' ';
                space = false;
                line += c;
            }
            out += line + "\r\n";
            pos = terminated ? end + 2 : end;
        }
    } else {
        out = body;
        if (!out.empty() && !out.ends_with("\r\n"))
            out += "\r\n";
    }
    while (out.ends_with("\r\n\r\n"))
        out.resize(out.size() - 2);
    if (out == "\r\n" && relaxed)
        out.clear();
    if (out.empty() && !relaxed)
        out = "\r\n";
    return out;
}

// without_b_value - the DKIM-Signature field with the value of its b= tag removed (3.7).
std::string without_b_value(std::string_view raw) {
    const auto colon = raw.find(':');
    std::string out(raw.substr(0, colon + 1));
    std::size_t pos = colon + 1;
    while (pos <= raw.size()) {
        const auto semicolon = std::min(raw.find(';', pos), raw.size());
        const std::string_view spec = raw.substr(pos, semicolon - pos);
        const auto equals = spec.find('=');
        if (equals != std::string_view::npos && trim(spec.substr(0, equals)) == "b")
            out += spec.substr(0, equals + 1);
        else
            out += spec;
        if (semicolon < raw.size())
            out += ';';
        pos = semicolon + 1;
    }
    return out;
}

struct Signed {
    std::string m_body;         // the canonical body
    std::string m_header_data;  // the signed fields, then the DKIM-Signature without b= value
    std::string m_body_hash;    // bh=, decoded
    std::string m_signature;    // b=, decoded
};

Signed signed_data(const std::string& message) {
    auto [fields, body] = split_message(message);
    const auto signature = std::find_if(fields.begin(), fields.end(), [](const Field& field) {
        return lower(field.m_name) == "dkim-signature";
    });
    if (signature == fields.end())
        throw std::runtime_error("the message has no DKIM-Signature");
    const auto list = tags(signature->m_raw.substr(signature->m_raw.find(':') + 1));
    if (strip_whitespace(tag(list, "a")) != "rsa-sha256")
        throw std::runtime_error("only a=rsa-sha256 is measured");
    const std::string canon = strip_whitespace(tag(list, "c"));
    const std::string header_canon = canon.substr(0, canon.find('/'));
    const std::string body_canon =
        canon.find('/') == std::string::npos ? "simple" : canon.substr(canon.find('/') + 1);
    const bool relaxed_headers = header_canon == "relaxed";
    if (!relaxed_headers && header_canon != "simple" && !header_canon.empty())
        throw std::runtime_error("unknown canonicalization " + canon);
    if (!tag(list, "l").empty())
        throw std::runtime_error("l= is not supported");

    Signed out;
    out.m_body = canonical_body(body, body_canon == "relaxed");
    out.m_body_hash = decode_base64(tag(list, "bh"));
    out.m_signature = decode_base64(tag(list, "b"));
    auto canonical = [&](std::string_view raw) {
        return relaxed_headers ? relaxed_header(raw) : std::string(raw) + "\r\n";
    };
    // Each name of h= takes the last instance not used yet, bottom up (3.5, 5.4.2).
    std::vector<bool> used(fields.size(), false);
    std::stringstream names(strip_whitespace(tag(list, "h")));
    for (std::string name; std::getline(names, name, ':');) {
        for (std::size_t i = fields.size(); i-- > 0;) {
            if (!used[i] && lower(fields[i].m_name) == lower(name)) {
                used[i] = true;
                out.m_header_data += canonical(fields[i].m_raw);
                break;
            }
        }
    }
    std::string own = canonical(without_b_value(signature->m_raw));
    own.resize(own.size() - 2);  // the signature's own field is hashed without its CRLF
    out.m_header_data += own;
    return out;
}

Pkey load_key(const std::string& record) {
    const auto list = tags(record);
    const std::string type = strip_whitespace(tag(list, "k"));
    if (!type.empty() && type != "rsa")
        throw std::runtime_error("only k=rsa keys are measured");
    const std::string der = decode_base64(tag(list, "p"));
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    Pkey key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
    if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
        throw std::runtime_error("the key record does not hold an RSA public key");
    return key;
}

// sha256 - fetched once, as enma does (verify/dkim/sha256.hpp): the legacy EVP_sha256() would
// add a provider lookup to every init.
const EVP_MD* sha256() {
    static const EVP_MD* const fetched = [] {
        const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
        return md != nullptr ? md : EVP_sha256();
    }();
    return fetched;
}

// The two halves of one message's check, each as enma calls OpenSSL for it.
bool body_hash_matches(const Signed& data) {
    MdCtx ctx(EVP_MD_CTX_new());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), data.m_body.data(), data.m_body.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1)
        return false;
    return size == data.m_body_hash.size() &&
           std::memcmp(digest, data.m_body_hash.data(), size) == 0;
}

bool signature_verifies(const Signed& data, EVP_PKEY* key) {
    MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, sha256(), nullptr, key) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(),
                            reinterpret_cast<const unsigned char*>(data.m_signature.data()),
                            data.m_signature.size(),
                            reinterpret_cast<const unsigned char*>(data.m_header_data.data()),
                            data.m_header_data.size()) == 1;
}

double clock_seconds(clockid_t clock) {
    timespec now{};
    clock_gettime(clock, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

struct Timing {
    double m_cpu = 0;
    double m_wall = 0;
};

// timed - `iterations` runs of `step`, which must succeed every time (a failure is a bug here,
// and would no longer measure a passing check).
template <typename Step>
Timing timed(unsigned long iterations, Step step) {
    const double cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    const double wall = clock_seconds(CLOCK_MONOTONIC);
    for (unsigned long i = 0; i < iterations; ++i)
        if (!step())
            throw std::runtime_error("a check failed inside the timed loop");
    return {clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu, clock_seconds(CLOCK_MONOTONIC) - wall};
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    try {
        options = parse_options(argc, argv);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "crypto-floor: %s\n%s", error.what(), kUsage);
        return 2;
    }
    try {
        const Signed data = signed_data(read_file(options.m_message));
        const Pkey key = load_key(read_file(options.m_key));
        if (!body_hash_matches(data)) {
            std::fprintf(stderr, "crypto-floor: the body hash does not match bh=\n");
            return 1;
        }
        if (!signature_verifies(data, key.get())) {
            std::fprintf(stderr, "crypto-floor: the signature does not verify\n");
            return 1;
        }
        auto message = [&] {
            return body_hash_matches(data) && signature_verifies(data, key.get());
        };
        // A warm-up (the first verifications build the key's Montgomery context, which enma's
        // cached key keeps too), then a short run that sizes the loop.
        timed(100, message);
        const Timing sample = timed(200, message);
        unsigned long iterations = options.m_iterations;
        if (iterations == 0)
            iterations = std::max(200ul, static_cast<unsigned long>(options.m_seconds * 200 /
                                                                    std::max(sample.m_cpu, 1e-6)));
        const Timing total = timed(iterations, message);
        // The two halves apart, a quarter of the iterations each: where the floor goes.
        const unsigned long part = std::max(1ul, iterations / 4);
        const Timing body = timed(part, [&] { return body_hash_matches(data); });
        const Timing header = timed(part, [&] { return signature_verifies(data, key.get()); });
        const double n = static_cast<double>(iterations), p = static_cast<double>(part);
        std::printf(
            "result crypto_floor_ms_per_msg=%.4f body_sha256_ms=%.4f header_verify_ms=%.4f "
            "iterations=%lu cpu_s=%.3f wall_s=%.3f body_bytes=%zu header_bytes=%zu\n",
            total.m_cpu * 1000 / n, body.m_cpu * 1000 / p, header.m_cpu * 1000 / p, iterations,
            total.m_cpu, total.m_wall, data.m_body.size(), data.m_header_data.size());
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "crypto-floor: %s\n", error.what());
        return 1;
    }
}
