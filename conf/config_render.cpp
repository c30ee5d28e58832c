// config_render.cpp - help text, Markdown table and effective dump from the key table.
#include "conf/config_render.hpp"

#include <fmt/format.h>

#include "conf/key_table.hpp"

namespace enma::conf {

namespace {

// config_line - "key: value", without a trailing blank when the value is empty.
std::string config_line(std::string_view key, std::string_view value) {
    return value.empty() ? fmt::format("{}:\n", key) : fmt::format("{}: {}\n", key, value);
}

// markdown_cell - text safe inside one cell of a Markdown table.
std::string markdown_cell(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '|') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

// roff_text - text safe in a roff line: backslashes as \e, a leading '.' or apostrophe escaped,
// hyphens as \- so that man renders and searches them as typed; a line may break after '|'.
std::string roff_text(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else if (c == '|')
            out += "|\\:";  // a place to break a long list of choices
        else
            out += c;
    }
    if (!out.empty() && (out.front() == '.' || out.front() == '\''))
        out.insert(0, "\\&");
    return out;
}

}  // namespace

std::string render_man_keys() {
    std::string text;
    for (const auto& spec : key_table()) {
        const std::string shown = spec.m_default.empty()
                                      ? std::string("empty")
                                      : fmt::format("\\fB{}\\fR", roff_text(spec.m_default));
        text += fmt::format(".TP\n.B {}\n{}; default {}.\n.br\n{}\n", roff_text(spec.m_name),
                            roff_text(spec.m_type), shown, roff_text(spec.m_meaning));
    }
    return text;
}

std::string render_key_help() {
    std::string text;
    for (const auto& spec : key_table()) {
        text += config_line(spec.m_name, spec.m_default);
        text += fmt::format("    [{}] {}\n", spec.m_type, spec.m_meaning);
    }
    return text;
}

std::string render_config_doc() {
    std::string text = "| Key | Type | Default | Meaning |\n|---|---|---|---|\n";
    for (const auto& spec : key_table()) {
        const std::string shown =
            spec.m_default.empty() ? "(empty)" : fmt::format("`{}`", spec.m_default);
        text += fmt::format("| `{}` | {} | {} | {} |\n", spec.m_name, markdown_cell(spec.m_type),
                            shown, markdown_cell(spec.m_meaning));
    }
    return text;
}

std::string render_effective(const Config& config) {
    std::string text;
    for (const auto& spec : key_table()) {
        text += config_line(spec.m_name, spec.m_render(config));
    }
    return text;
}

}  // namespace enma::conf
