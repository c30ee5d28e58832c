// did_you_mean.hpp - the nearest known word to a misspelt one, for error messages.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace enma::conf {

// edit_distance - Levenshtein distance counting an adjacent transposition as one edit
// (optimal string alignment), byte-wise and case-sensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

// nearest - the candidate closest to `word`, or "" when none is close enough to be a typo:
// the distance must be at most 3 and at most a third of the word's length (at least 1), or
// one must be a prefix of the other ("warn" for "warning"), which counts as distance 1.
std::string nearest(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace enma::conf
