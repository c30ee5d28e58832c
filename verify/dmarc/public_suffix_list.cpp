// public_suffix_list.cpp - the libpsl wrapper.
#include "verify/dmarc/public_suffix_list.hpp"

#include <libpsl.h>

#include <stdexcept>

namespace enma::dmarc {

std::shared_ptr<const PublicSuffixList> PublicSuffixList::load(const std::string& path) {
    psl_ctx_t* context = psl_load_file(path.c_str());
    if (!context)
        throw std::runtime_error("cannot load the public suffix list " + path);
    return std::shared_ptr<const PublicSuffixList>(new PublicSuffixList(context));
}

PublicSuffixList::~PublicSuffixList() {
    psl_free(m_context);
}

std::string PublicSuffixList::organizational_domain(std::string_view domain) const {
    const std::string name(domain);
    const char* registrable = psl_registrable_domain(m_context, name.c_str());
    return registrable ? std::string(registrable) : name;
}

}  // namespace enma::dmarc
