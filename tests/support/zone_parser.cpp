// zone_parser.cpp - parse_zone: ldns reads the entries, resolver::parse_rdata decodes the RDATA.
#include "tests/support/zone_parser.hpp"

#include <ldns/ldns.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <span>
#include <stdexcept>

#include "resolver/rdata.hpp"
#include "resolver/resolver.hpp"

namespace enma::resolver {

namespace {

struct LdnsFree {
    void operator()(ldns_rr* rr) const noexcept { ldns_rr_free(rr); }
    void operator()(ldns_rdf* rdf) const noexcept { ldns_rdf_deep_free(rdf); }
    void operator()(ldns_buffer* buffer) const noexcept { ldns_buffer_free(buffer); }
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};
template <typename T>
using Owned = std::unique_ptr<T, LdnsFree>;

[[noreturn]] void fail(int line, const std::string& why) {
    throw std::invalid_argument("line " + std::to_string(line) + ": " + why);
}

bool is_text_type(RrType type) noexcept {
    return type == RrType::txt || type == RrType::spf;
}

// is_decoded - the types parse_rdata turns into RecordData.
bool is_decoded(RrType type) noexcept {
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

std::span<const std::uint8_t> bytes_of(const ldns_rdf* rdf) noexcept {
    return {ldns_rdf_data(rdf), ldns_rdf_size(rdf)};
}

// ZoneReader - one pass of ldns over the text, keeping its $ORIGIN, $TTL and previous owner.
class ZoneReader {
public:
    ZoneReader(std::string_view text, std::string_view origin);
    // next - the next record into `out`; false at the end of the text.
    bool next(ZoneRecord& out);

private:
    int entry_line() const;
    std::string owner(const ldns_rr& rr) const;
    std::optional<RecordData> rdata(const ldns_rr& rr, RrType type) const;

    std::string m_text;
    Owned<std::FILE> m_file;
    Owned<ldns_rdf> m_origin;
    Owned<ldns_rdf> m_previous;
    std::uint32_t m_ttl = kZoneDefaultTtl;
    int m_line = 1;
};

ZoneReader::ZoneReader(std::string_view text, std::string_view origin) : m_text(text) {
    // ldns reads C strings: a NUL would silently end the entry it is in.
    if (const auto nul = m_text.find('\0'); nul != std::string::npos)
        fail(1 + static_cast<int>(std::count(m_text.begin(), m_text.begin() + nul, '\n')),
             "NUL byte in zone text");
    const std::string root =
        origin.empty() || origin.back() != '.' ? std::string(origin) + "." : std::string(origin);
    m_origin.reset(ldns_dname_new_frm_str(root.c_str()));
    if (!m_origin)
        throw std::invalid_argument("bad origin '" + std::string(origin) + "'");
    if (!m_text.empty())
        m_file.reset(fmemopen(m_text.data(), m_text.size(), "r"));
}

// entry_line - the line the entry just read ends on (ldns counts the newline ending it).
int ZoneReader::entry_line() const {
    const long at = std::ftell(m_file.get());
    const bool after_newline = at > 0 && m_text[static_cast<std::size_t>(at) - 1] == '\n';
    return after_newline ? m_line - 1 : m_line;
}

bool ZoneReader::next(ZoneRecord& out) {
    while (m_file && !std::feof(m_file.get())) {
        ldns_rr* raw = nullptr;
        ldns_rdf* origin = m_origin.release();
        ldns_rdf* previous = m_previous.release();
        const ldns_status status =
            ldns_rr_new_frm_fp_l(&raw, m_file.get(), &m_ttl, &origin, &previous, &m_line);
        m_origin.reset(origin);
        m_previous.reset(previous);
        const Owned<ldns_rr> rr(status == LDNS_STATUS_OK ? raw : nullptr);
        if (status == LDNS_STATUS_SYNTAX_EMPTY || status == LDNS_STATUS_SYNTAX_TTL ||
            status == LDNS_STATUS_SYNTAX_ORIGIN)
            continue;
        if (status != LDNS_STATUS_OK)
            fail(entry_line(), ldns_get_errorstr_by_id(status));
        if (ldns_rr_get_class(rr.get()) != LDNS_RR_CLASS_IN)
            fail(entry_line(), "only class IN is supported");
        const auto type = static_cast<RrType>(ldns_rr_get_type(rr.get()));
        out = ZoneRecord{owner(*rr), type, ldns_rr_ttl(rr.get()), rdata(*rr, type)};
        return true;
    }
    return false;
}

// owner - the owner name as the product's decoder renders names.
std::string ZoneReader::owner(const ldns_rr& rr) const {
    std::size_t offset = 0;
    const auto name = parse_wire_name(bytes_of(ldns_rr_owner(&rr)), offset);
    if (!name || name->empty())
        fail(entry_line(), "the root cannot own records here");
    if (!is_valid_query_name(*name))
        fail(entry_line(), "bad owner name '" + *name + "'");
    return *name;
}

// rdata - the record's RDATA in wire format, decoded by parse_rdata.
std::optional<RecordData> ZoneReader::rdata(const ldns_rr& rr, RrType type) const {
    if (!is_decoded(type))
        return std::nullopt;
    const Owned<ldns_buffer> wire(ldns_buffer_new(LDNS_MAX_PACKETLEN));
    if (!wire || ldns_rr_rdata2buffer_wire(wire.get(), &rr) != LDNS_STATUS_OK)
        fail(entry_line(), "RDATA does not fit in wire format");
    const std::span<const std::uint8_t> bytes(ldns_buffer_begin(wire.get()),
                                              ldns_buffer_position(wire.get()));
    auto data = parse_rdata(type, bytes);
    if (!data && !(is_text_type(type) && bytes.empty()))
        fail(entry_line(), std::string(to_string(type)) + " RDATA that the decoder rejects");
    return data;
}

}  // namespace

std::vector<ZoneRecord> parse_zone(std::string_view text, std::string_view origin) {
    ZoneReader reader(text, origin);
    std::vector<ZoneRecord> records;
    ZoneRecord record;
    while (reader.next(record))
        records.push_back(std::move(record));
    return records;
}

}  // namespace enma::resolver
