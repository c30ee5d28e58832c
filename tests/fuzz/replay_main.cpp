// replay_main.cpp - run a fuzz harness without libFuzzer: seeds plus deterministic mutations.
//
// Why: the gcc build has no libFuzzer, yet every harness should run on every ctest (and under
// ASan+UBSan in the sanitizer build). Each seed file is fed as is, then in mutated copies
// (bit flips, truncations, duplicated spans, random bytes); the same seeds always give the
// same inputs, so a failure reproduces.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Bytes = std::vector<std::uint8_t>;

void run(const Bytes& input) {
    LLVMFuzzerTestOneInput(input.data(), input.size());
}

// mutate - one deterministic variation of `seed`.
Bytes mutate(const Bytes& seed, std::mt19937& rng) {
    Bytes out = seed;
    std::uniform_int_distribution<int> kind(0, 4);
    auto pick = [&](std::size_t n) {
        return n ? std::uniform_int_distribution<std::size_t>(0, n - 1)(rng) : 0;
    };
    switch (kind(rng)) {
        case 0:
            if (!out.empty())
                out[pick(out.size())] ^= static_cast<std::uint8_t>(1u << pick(8));
            break;
        case 1:
            out.resize(pick(out.size() + 1));
            break;
        case 2:
            if (!out.empty()) {
                const auto from = pick(out.size());
                const auto len = pick(out.size() - from) + 1;
                Bytes span(out.begin() + from, out.begin() + from + len);
                out.insert(out.begin() + pick(out.size() + 1), span.begin(), span.end());
            }
            break;
        case 3:
            for (int i = 0; i < 8; ++i)
                out.insert(out.begin() + pick(out.size() + 1), static_cast<std::uint8_t>(rng()));
            break;
        default:
            if (!out.empty())
                out[pick(out.size())] =
                    static_cast<std::uint8_t>("\0\r\n;:=\"\\()<>@ \t\xff"[pick(16)]);
            break;
    }
    return out;
}

Bytes read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<Bytes> seeds{Bytes{}};
    int mutations = 2000;  // per seed; --mutations=N for harnesses slow per input
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.starts_with("--mutations=")) {
            mutations = std::stoi(arg.substr(12));
            continue;
        }
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(argv[i], ec))
            if (entry.is_regular_file())
                seeds.push_back(read_file(entry.path()));
    }
    std::mt19937 rng(20261127);
    std::size_t runs = 0;
    for (const auto& seed : seeds) {
        run(seed);
        Bytes current = seed;
        for (int i = 0; i < mutations; ++i, ++runs) {
            current = (i % 50 == 0) ? seed : mutate(current, rng);
            run(current);
        }
    }
    std::printf("replayed %zu seeds, %zu mutated inputs\n", seeds.size(), runs);
    return 0;
}
