// getopt_args.hpp - what enma, sidfquery and enma-check share around getopt_long(3).
//
// Every tool parses its command line with getopt_long, so that flags combine (`-fv`), values
// attach (`-cFILE`, `--config=FILE`) and options may follow operands, and words its mistakes
// the same way: "unknown option -x", "-c needs a FILE", then "Try 'TOOL -h' for more
// information." on standard error and exit status 2.
//
// getopt_long keeps its state in globals (optind, optarg, optopt): parse_with_getopt resets
// them before each run, so a parser may run more than once (the unit tests do), but only one
// thread may parse at a time (main() does, before any thread exists).
#pragma once

#include <getopt.h>

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace enma::app {

// kLongOnly - or'ed into a long option's `val`: getopt_long reports an error about a long
// option by its val in optopt, and this bit tells it from a short one. Option handlers see
// `val & 0xff`.
inline constexpr int kLongOnly = 0x100;

// OptionSpec - the getopt_long tables of one tool, plus what each valued option takes.
struct OptionSpec {
    const char* m_short;                                // getopt's optstring; must start with ':'
    std::span<const option> m_long;                     // ends with a zero entry
    std::function<std::string(int code)> m_value_name;  // "FILE" for -c (code & 0xff)
};

// GetoptHandler - called for every option (code & 0xff) with its value (or empty) and the
// option's name as typed ("-c", "--config"); throws on a bad value. Called with code 0 for
// each operand, in order.
using GetoptHandler =
    std::function<void(int code, const std::string& value, const std::string& name)>;

// parse_with_getopt - runs getopt_long over `program` + `args`; returns the usage error
// ("unknown option --bogus", "-c needs a FILE") or empty on success.
std::string parse_with_getopt(std::string_view program, std::span<const std::string> args,
                              const OptionSpec& spec, const GetoptHandler& handler);

// needs - "-c needs a FILE", "--ip needs an ADDR".
std::string needs(std::string_view option_name, std::string_view value_name);

// usage_error_text - "PROGRAM: MESSAGE\nTry 'PROGRAM -h' for more information.\n".
std::string usage_error_text(std::string_view program, std::string_view message);

}  // namespace enma::app
