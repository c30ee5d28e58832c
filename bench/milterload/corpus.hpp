// corpus.hpp - the messages milterload sends: .eml files with their envelope.
//
// A corpus is a directory of NAME.eml files (RFC 5322, LF or CRLF line ends). The envelope of
// each comes from NAME.env beside it, one "key value" per line ('#' starts a comment):
//   client_addr 198.18.0.25   client IPv4 address given in CONNECT (default 198.18.0.25)
//   client_name mail.example  client host name (default "[client_addr]")
//   client_port 40000         client port (default 40000)
//   helo mail.example         HELO/EHLO argument (default client_name)
//   mail_from user@example    envelope sender, without <> (default: empty, a bounce)
//   rcpt user@example         one recipient per line (default postmaster@bench.example)
// A missing .env file means all defaults.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace milterload {

struct Envelope {
    std::string m_client_addr = "198.18.0.25";
    std::string m_client_name;
    unsigned m_client_port = 40000;
    std::string m_helo;
    std::string m_mail_from;
    std::vector<std::string> m_rcpts;
};

// One header field as an MTA passes it: the value keeps its leading space and its folding
// (lines joined by "\n", as Postfix does); the body has CRLF line ends.
struct Header {
    std::string m_name;
    std::string m_value;
};

struct Message {
    std::string m_name;
    Envelope m_envelope;
    std::vector<Header> m_headers;
    std::string m_body;
};

// load_corpus - every NAME.eml in `directory`, sorted by name; throws std::runtime_error when
// the directory cannot be read or holds no .eml file.
std::vector<Message> load_corpus(const std::string& directory);

// parse_message - split RFC 5322 text into header fields and a CRLF body.
Message parse_message(const std::string& text);

}  // namespace milterload
