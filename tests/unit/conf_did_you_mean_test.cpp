// conf_did_you_mean_test.cpp - edit distance and the typo threshold.
#include <doctest/doctest.h>

#include <array>

#include "conf/did_you_mean.hpp"

using enma::conf::edit_distance;
using enma::conf::nearest;

TEST_CASE("edit distance counts insertions, deletions, substitutions, transpositions") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("abc", "") == 3);
    CHECK(edit_distance("milter.sockt", "milter.socket") == 1);
    CHECK(edit_distance("spf.atuh", "spf.auth") == 1);
    CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("nearest suggests only plausible typos") {
    constexpr std::array<std::string_view, 3> keys{"spf.auth", "sidf.auth", "dkim.auth"};
    CHECK(nearest("spf.atuh", keys) == "spf.auth");
    CHECK(nearest("dkim.aut", keys) == "dkim.auth");
    CHECK(nearest("completely.different", keys).empty());
    CHECK(nearest("x", keys).empty());
}

TEST_CASE("a prefix of at least three bytes counts as one edit") {
    constexpr std::array<std::string_view, 3> levels{"err", "warning", "info"};
    CHECK(nearest("warn", levels) == "warning");
    CHECK(nearest("error", levels) == "err");
    CHECK(nearest("in", levels).empty());
}
