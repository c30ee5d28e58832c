// seal_step.cpp - deciding whether and how to seal, then sealing.
#include "verify/pipeline/seal_step.hpp"

#include <algorithm>
#include <charconv>

#include "verify/dkim/tag_list.hpp"

namespace enma::pipeline {

namespace {

bool is_arc_field(const message::HeaderField& field) {
    return field.is(arc::kAarName) || field.is(arc::kAmsName) || field.is(arc::kSealName);
}

// instance_of - the i= of an ARC field (AAR: "i=N;" first; AMS, AS: a tag list), capped
// above kMaxInstance; 0 if unreadable.
int instance_of(const message::HeaderField& field) {
    std::string text;
    if (field.is(arc::kAarName)) {
        text = std::string(message::trim_wsp(field.m_raw_value));
        text = text.starts_with("i=") ? text.substr(2, text.find(';') - 2) : "";
    } else {
        const auto tags = dkim::parse_tag_list(field.m_raw_value);  // outlives `tag`
        if (const auto* tag = tags.find("i"))
            text = tag->m_value;
    }
    text = std::string(message::trim_wsp(text));
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0)
        return 0;
    return std::min(value, arc::kMaxInstance + 1);
}

// plan - why the message gets no seal, or empty (instance and cv set in `out`).
std::string plan(SealOutcome& out, const std::optional<SealChain>& chain, std::size_t arc_fields,
                 bool truncated) {
    if (truncated)
        return "header too large to seal";
    if (!chain) {
        if (arc_fields > 0)
            return "ARC chain present but not validated (arc.auth is false)";
        out.m_instance = 1;
        return {};
    }
    if (!chain->m_unsealable.empty())
        return chain->m_unsealable;
    if (chain->m_cv == arc::ArcResult::fail && chain->m_highest_instance == 0)
        return "ARC fields without a readable instance";
    if (chain->m_highest_instance >= arc::kMaxInstance)
        return "ARC chain already at instance 50";
    out.m_instance = chain->m_highest_instance + 1;
    out.m_cv = chain->m_cv;
    if (chain->m_highest_instance > 0 && out.m_cv == arc::ArcResult::none)
        out.m_cv = arc::ArcResult::fail;  // sets present, yet "none": not a chain
    return {};
}

}  // namespace

std::string SealOutcome::log_value() const {
    if (!m_set)
        return "none";
    return "i=" + std::to_string(m_instance) + " cv=" + std::string(arc::to_string(m_cv));
}

SealStep::SealStep(std::shared_ptr<const arc::SealSettings> settings)
    : m_settings(std::move(settings)) {}

void SealStep::end_of_headers(dkim::BodyHash* running) {
    if (m_body != nullptr)
        return;
    if (running != nullptr && running->matches(message::Canonicalization::relaxed, std::nullopt)) {
        m_body = running;
        return;
    }
    m_own = std::make_unique<dkim::BodyHash>(message::Canonicalization::relaxed, std::nullopt);
    m_body = m_own.get();
}

void SealStep::body(std::string_view chunk) {
    end_of_headers(nullptr);  // a body before end of headers: too late to borrow
    if (m_own)
        m_own->add(chunk);
}

void SealStep::header(std::string_view name, std::string_view value) {
    m_headers.push_back({std::string(name), std::string(value)});
    if (!is_arc_field(m_headers.back()))
        return;
    ++m_arc_fields;
    m_highest_instance = std::max(m_highest_instance, instance_of(m_headers.back()));
}

SealOutcome SealStep::finish(const std::string& results, const std::optional<SealChain>& chain,
                             bool truncated, std::int64_t now) {
    end_of_headers(nullptr);
    m_body->finish();  // a borrowed hash is usually finished already: then a no-op
    SealOutcome out;
    out.m_skipped = plan(out, chain, m_arc_fields, truncated);
    if (!out.m_skipped.empty())
        return out;
    arc::SealInput input;
    input.m_instance = out.m_instance;
    input.m_cv = out.m_cv;
    if (chain && out.m_cv == arc::ArcResult::pass)
        input.m_previous_sets = chain->m_previous_sets;
    input.m_results = results;
    input.m_headers = &m_headers;
    input.m_body_hash = m_body->digest();
    input.m_now = now;
    out.m_set = arc::seal(*m_settings, input);
    if (!out.m_set)
        out.m_skipped = "signing failed";
    return out;
}

}  // namespace enma::pipeline
