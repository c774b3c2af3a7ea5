// A stand-in for libFuzzer where the compiler has none (g++): feeds a fuzz
// target the seed corpus, then random mutations of it, for a bounded time.
//
// Usage: fuzz_<name> [-max_total_time=SECONDS] [-seed=N] CORPUS_DIR...
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

// Byte strings that matter to text protocols, spliced into inputs.
const std::vector<std::string> interesting = {"\r\n",
                                              "\r\n\r\n",
                                              "\r",
                                              "\n",
                                              ":",
                                              " ",
                                              "\t",
                                              "\0",
                                              "0",
                                              "99999999999999999999",
                                              "Content-Length: ",
                                              "Host: x",
                                              "Transfer-Encoding: chunked",
                                              "Connection: close",
                                              "HTTP/1.1",
                                              "HTTP/1.0",
                                              "GET / ",
                                              "\x7f",
                                              "\xff"};

std::string mutate(std::string input, std::mt19937_64& random, const std::vector<std::string>& corpus) {
  const int rounds = std::uniform_int_distribution<int>(1, 4)(random);
  for (int round = 0; round < rounds; ++round) {
    const std::size_t at =
        input.empty() ? 0 : std::uniform_int_distribution<std::size_t>(0, input.size())(random);
    switch (std::uniform_int_distribution<int>(0, 4)(random)) {
    case 0: // flip a byte
      if (at < input.size()) {
        input[at] = static_cast<char>(random());
      }
      break;
    case 1: // delete a run
      input.erase(at, std::uniform_int_distribution<std::size_t>(1, 8)(random));
      break;
    case 2: // insert an interesting string
      input.insert(at, interesting[random() % interesting.size()]);
      break;
    case 3: // repeat a run (long lines, long bodies)
      if (at < input.size()) {
        const std::string run_of =
            input.substr(at, std::uniform_int_distribution<std::size_t>(1, 16)(random));
        for (int copies = std::uniform_int_distribution<int>(1, 40)(random); copies > 0; --copies) {
          input.insert(at, run_of);
        }
      }
      break;
    default: { // splice another corpus entry
      const std::string& other = corpus[random() % corpus.size()];
      input = input.substr(0, at) + other.substr(std::min(other.size(), at));
      break;
    }
    }
  }
  return input;
}

} // namespace

int main(int argc, char** argv) {
  double seconds = 10;
  std::uint64_t seed = 1;
  std::vector<std::string> corpus;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.rfind("-max_total_time=", 0) == 0) {
      seconds = std::stod(std::string(arg.substr(16)));
    } else if (arg.rfind("-seed=", 0) == 0) {
      seed = std::stoull(std::string(arg.substr(6)));
    } else if (arg.rfind("-", 0) == 0) {
      continue; // other libFuzzer flags mean nothing here
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        std::ifstream file(entry.path(), std::ios::binary);
        corpus.emplace_back(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
      }
    }
  }
  if (corpus.empty()) {
    corpus.emplace_back();
  }
  for (const auto& input : corpus) {
    run(input);
  }
  std::mt19937_64 random(seed);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::uint64_t runs = corpus.size();
  while (std::chrono::steady_clock::now() < deadline) {
    for (int batch = 0; batch < 256; ++batch, ++runs) {
      run(mutate(corpus[random() % corpus.size()], random, corpus));
    }
  }
  std::printf("random driver: %llu inputs in %.0f s (seed %llu), no invariant broken\n",
              static_cast<unsigned long long>(runs), seconds, static_cast<unsigned long long>(seed));
  return 0;
}
