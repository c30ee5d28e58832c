// spf_select.cpp - v=spf1 record selection.
#include "verify/spf/spf_select.hpp"

#include "verify/spf/spf_record.hpp"

namespace enma::spf {

RecordSelection select_spf1(const std::vector<std::string>& texts) {
    RecordSelection selection;
    for (const auto& text : texts) {
        if (!is_spf1_record(text))
            continue;
        if (selection.m_status == RecordSelection::Status::one) {
            selection.m_status = RecordSelection::Status::many;
            selection.m_terms.clear();
            return selection;
        }
        selection.m_status = RecordSelection::Status::one;
        selection.m_terms = text.substr(6);
    }
    return selection;
}

}  // namespace enma::spf
