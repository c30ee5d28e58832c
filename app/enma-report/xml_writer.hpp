// xml_writer.hpp - a small XML 1.0 writer for the aggregate report: elements and text only,
// two-space indentation, one element per line.
//
// Invariants: every byte of text goes through escape_text(), so the output is well-formed
// whatever the store holds: & < > " ' become entities, invalid UTF-8 becomes U+FFFD and the
// control characters XML 1.0 forbids are dropped. Names are the caller's constants.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace enma::report {

// escape_text - `text` as XML character data (see the invariants above).
std::string escape_text(std::string_view text);

class XmlWriter {
public:
    // XmlWriter - starts the document with the XML declaration (UTF-8).
    XmlWriter();
    // open - <name> (with `attributes`, already "k=\"v\"" text, if any) on a line of its own.
    void open(std::string_view name, std::string_view attributes = {});
    // close - the matching </name> of the innermost open element.
    void close();
    // leaf - <name>text</name> on one line.
    void leaf(std::string_view name, std::string_view text);
    // finish - closes what is open and returns the document.
    std::string finish();

private:
    void indent();

    std::string m_out;
    std::vector<std::string> m_open;
};

}  // namespace enma::report
