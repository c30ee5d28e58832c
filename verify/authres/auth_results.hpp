// auth_results.hpp - render one Authentication-Results header value (RFC 8601).
//
// Everything echoed from the message or the envelope passes through quote_pvalue(): a value
// that is a valid RFC 2045 token or a plain local-part@domain goes out as is, anything else
// becomes a quoted-string with CR, LF, NUL, other controls and 8-bit bytes replaced by '?'.
// Hence no CR/LF, ';' or unbalanced comment from a hostile message can reach the header, and
// a parser of the header sees exactly the properties we meant.
//
// Line length (RFC 5322 2.1.1): echoed values, reasons and comments are cut to 512 octets
// (their quoted form included; the authserv-id's quoted form may be longer, so that it reads
// back unchanged), and with a fold string that breaks the line the renderer also
// folds inside a resinfo, between its tokens, before one that would take the line past 200
// octets (not RFC 5322's 78: ordinary resinfos keep their one-line form). A token is never split,
// so no line exceeds 998 octets whatever the input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace enma::verify {

// AuthProperty - one `ptype.property=value`, e.g. smtp.mailfrom=user@example.com.
struct AuthProperty {
    std::string m_ptype;     // smtp, header, body, policy
    std::string m_property;  // mailfrom, helo, from, d, i, s, b, ...
    std::string m_value;     // raw: quoted on output as needed
};

// AuthResult - one resinfo: `method=result (comment) reason="..." props...`.
struct AuthResult {
    std::string m_method;   // spf, sender-id, dkim, dkim-adsp, dmarc, arc, iprev
    std::string m_result;   // pass, fail, ...
    std::string m_comment;  // our own text (key size, DNSSEC state); sanitised, may be empty
    std::string m_reason;   // free text: goes out as a quoted reason="..."; may be empty
    std::vector<AuthProperty> m_properties;
    // The DNSSEC state the result rests on (secure, insecure, bogus, unchecked; empty when it
    // needed no DNS): for logs and enma-check --json; the renderer does not print it.
    std::string m_dnssec{};
};

// render_auth_results - the header value: "authserv-id; resinfo; resinfo" or
// "authserv-id; none". Every resinfo starts on a new line: `fold` is put before each
// (libmilter and Postfix take "\n\t"; a file wants "\r\n\t"; " " gives one line, and then no
// folding happens inside a resinfo either). Line lengths count "Authentication-Results: ".
std::string render_auth_results(std::string_view authserv_id,
                                const std::vector<AuthResult>& results,
                                std::string_view fold = "\n\t");

// quote_pvalue - a property value as it may appear in the header (the authserv-id, which may
// not be a bare local-part@domain, goes out as a token or a quoted-string).
std::string quote_pvalue(std::string_view value);
// sanitize_comment - text safe inside "( )": no parentheses, backslashes, controls, 8-bit.
std::string sanitize_comment(std::string_view text);

}  // namespace enma::verify
