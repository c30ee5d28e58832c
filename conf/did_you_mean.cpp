// did_you_mean.cpp - optimal string alignment distance and the nearest-candidate rule.
#include "conf/did_you_mean.hpp"

#include <algorithm>
#include <vector>

namespace enma::conf {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rolling rows: the transposition step looks two rows back.
    const std::size_t width = b.size() + 1;
    std::vector<std::size_t> before(width), previous(width), current(width);
    for (std::size_t j = 0; j < width; ++j) {
        previous[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j < width; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                current[j] = std::min(current[j], before[j - 2] + 1);
            }
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[b.size()];
}

namespace {

// is_abbreviation - one is a prefix of the other, at least 3 bytes long ("warn", "warning").
bool is_abbreviation(std::string_view a, std::string_view b) {
    const auto shorter = std::min(a.size(), b.size());
    return shorter >= 3 && a.substr(0, shorter) == b.substr(0, shorter);
}

}  // namespace

std::string nearest(std::string_view word, std::span<const std::string_view> candidates) {
    const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    std::string_view best;
    std::size_t best_distance = limit + 1;
    for (const auto candidate : candidates) {
        // The distance is at least the difference in length: skip the quadratic work.
        const std::size_t gap = word.size() > candidate.size() ? word.size() - candidate.size()
                                                               : candidate.size() - word.size();
        std::size_t distance = limit + 1;
        if (is_abbreviation(word, candidate)) {
            distance = 1;
        } else if (gap <= limit) {
            distance = edit_distance(word, candidate);
        }
        if (distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    return std::string(best);
}

}  // namespace enma::conf
