// getopt_args.cpp - getopt_long over a vector of strings, with the tools' one wording.
#include "app/common/getopt_args.hpp"

namespace enma::app {

namespace {

// name_of - an option as the user typed it: "-x" or "--name".
std::string name_of(int code, std::span<const option> longs, const char* word) {
    if (code == 0) {  // an unknown long option: only the word knows its name
        const std::string_view text = word != nullptr ? word : "--";
        return std::string(text.substr(0, text.find('=')));
    }
    if ((code & kLongOnly) != 0)
        for (const auto& entry : longs)
            if (entry.name != nullptr && entry.val == code)
                return std::string("--") + entry.name;
    return std::string("-") + static_cast<char>(code & 0xff);
}

// typed_name - the name of the option just returned by getopt_long.
std::string typed_name(int code, std::span<const option> longs) {
    return name_of(code, longs, nullptr);
}

}  // namespace

std::string needs(std::string_view option_name, std::string_view value_name) {
    const bool vowel = !value_name.empty() &&
                       std::string_view("AEIOU").find(value_name[0]) != std::string_view::npos;
    return std::string(option_name) + (vowel ? " needs an " : " needs a ") +
           std::string(value_name);
}

std::string parse_with_getopt(std::string_view program, std::span<const std::string> args,
                              const OptionSpec& spec, const GetoptHandler& handler) {
    std::vector<std::string> words{std::string(program)};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& word : words)
        argv.push_back(word.data());
    argv.push_back(nullptr);
    const int argc = static_cast<int>(words.size());
    optind = 0;  // glibc: a full reset of getopt's state
    opterr = 0;
    for (int code; (code = getopt_long(argc, argv.data(), spec.m_short, spec.m_long.data(),
                                       nullptr)) != -1;) {
        if (code == '?')
            return "unknown option " + name_of(optopt, spec.m_long, argv[optind - 1]);
        if (code == ':')
            return needs(name_of(optopt, spec.m_long, nullptr), spec.m_value_name(optopt));
        handler(code & 0xff, optarg != nullptr ? optarg : "", typed_name(code, spec.m_long));
    }
    for (int i = optind; i < argc; ++i)
        handler(0, argv[i], "");
    return {};
}

std::string usage_error_text(std::string_view program, std::string_view message) {
    return std::string(program) + ": " + std::string(message) + "\nTry '" + std::string(program) +
           " -h' for more information.\n";
}

}  // namespace enma::app
