// settings.hpp - map the typed Config onto what the layers below take.
//
// conf/ knows nothing of libunbound or the verifiers; this is the one place that translates,
// shared by the daemon, sidfquery and enma-check so that all three behave alike.
#pragma once

#include <string>

#include "conf/config.hpp"
#include "resolver/resolver_options.hpp"
#include "verify/pipeline/auth_settings.hpp"

namespace enma::app {

// resolver_options - resolver.* as ResolverOptions.
resolver::ResolverOptions resolver_options(const conf::Config& config);
// auth_settings - spf.*, sidf.*, dkim.*, dmarc.*, authresult.*, milter.* as AuthSettings; an
// empty authresult.identifier becomes `host_name`. Throws std::runtime_error when the public
// suffix list of dmarc.org_domain psl or the key of arc.seal_key_file cannot be read.
pipeline::AuthSettings auth_settings(const conf::Config& config, const std::string& host_name);
// local_host_name - gethostname(), or "localhost" if that fails.
std::string local_host_name();

}  // namespace enma::app
