// check_site HTML_DIR SCREENSHOT_DIR
//
// Checks the built documentation site as a reader would see it:
//  - every chapter page, opened in headless Chromium, renders its title,
//    its section headings and its code blocks;
//  - no internal link of any page is broken (the target file exists and, for
//    a link with a #fragment, the target has that id or name);
//  - screenshots of the front page and of the first chapter are kept in
//    SCREENSHOT_DIR for inspection.
// Chromium is found as $CHROMIUM, `chromium` or `chromium-browser`; it runs
// with a fresh profile and no network access of its own.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs argv, returns (exit status, stdout). stderr is discarded.
std::pair<int, std::string> run(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return {-1, ""};
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  std::string output;
  if (error == 0) {
    char buffer[65536];
    ssize_t n;
    while ((n = read(fds[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
      if (n > 0) {
        output.append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  close(fds[0]);
  if (error != 0) {
    return {-1, ""};
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), output};
}

std::string find_chromium() {
  if (const char* env = std::getenv("CHROMIUM"); env != nullptr && *env != '\0') {
    return env;
  }
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/snap/bin/"}) {
      if (access((std::string(dir) + name).c_str(), X_OK) == 0) {
        return std::string(dir) + name;
      }
    }
  }
  return "";
}

std::vector<std::string> chromium_args(const std::string& chromium, const fs::path& profile) {
  return {chromium,
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-quic",
          "--user-data-dir=" + profile.string()};
}

int count(const std::string& text, const std::regex& pattern) {
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), pattern), std::sregex_iterator()));
}

} // namespace

int main(int argc, char* argv[]) {
  if (argc != 3) {
    std::cerr << "usage: check_site HTML_DIR SCREENSHOT_DIR\n";
    return 2;
  }
  const fs::path html = fs::absolute(argv[1]);
  const fs::path shots = fs::absolute(argv[2]);
  if (!fs::exists(html / "index.html")) {
    std::cerr << "check_site: " << (html / "index.html").string()
              << " does not exist: build the docs target first\n";
    return 1;
  }
  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    std::cerr << "check_site: Chromium not found (install Debian's chromium package, or set CHROMIUM)\n";
    return 1;
  }
  fs::create_directories(shots);
  const fs::path profile = shots / "chromium-profile";
  fs::remove_all(profile);

  int problems = 0;
  const auto fail = [&](const std::string& message) {
    ++problems;
    std::cerr << "check_site: " << message << "\n";
  };

  // 1. Every chapter page, rendered by the browser.
  std::vector<fs::path> chapters;
  for (const auto& entry : fs::directory_iterator(html)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("chapter_", 0) == 0 && entry.path().extension() == ".html") {
      chapters.push_back(entry.path());
    }
  }
  std::sort(chapters.begin(), chapters.end());
  if (chapters.empty()) {
    fail("no chapter page (chapter_*.html) in " + html.string());
  }
  const std::regex heading(R"(<h[12][ >])");
  const std::regex code_block(R"(class="fragment")");
  const std::regex title(R"(<div class="title">[^<]+)");
  for (const auto& page : chapters) {
    auto args = chromium_args(chromium, profile);
    args.push_back("--dump-dom");
    args.push_back("file://" + page.string());
    const auto [status, dom] = run(args);
    const std::string name = page.filename().string();
    if (status != 0 || dom.empty()) {
      fail(name + ": Chromium could not render it (status " + std::to_string(status) + ")");
      continue;
    }
    const int headings = count(dom, heading);
    const int blocks = count(dom, code_block);
    if (count(dom, title) == 0) {
      fail(name + ": no page title rendered");
    }
    if (headings < 2) {
      fail(name + ": only " + std::to_string(headings) + " section headings rendered");
    }
    if (blocks < 1) {
      fail(name + ": no code block rendered");
    }
    // Markup shown as text (a code span in a heading, say) reaches the DOM escaped.
    if (dom.find("&lt;tt&gt;") != std::string::npos || dom.find("&lt;code&gt;") != std::string::npos) {
      fail(name + ": markup rendered as text (&lt;tt&gt; or &lt;code&gt;): no code spans in headings");
    }
    std::cout << "  " << name << ": rendered, " << headings << " headings, " << blocks << " code blocks\n";
  }

  // 2. Internal links of every page.
  const std::regex href(R"(href="([^"]*)\")");
  const std::regex anchor(R"((?:id|name)="([^"]*)\")");
  std::map<fs::path, std::set<std::string>> anchors;
  const auto anchors_of = [&](const fs::path& file) -> const std::set<std::string>& {
    auto found = anchors.find(file);
    if (found == anchors.end()) {
      std::set<std::string> ids;
      const std::string text = read_file(file);
      for (auto it = std::sregex_iterator(text.begin(), text.end(), anchor); it != std::sregex_iterator();
           ++it) {
        ids.insert((*it)[1]);
      }
      found = anchors.emplace(file, std::move(ids)).first;
    }
    return found->second;
  };
  int links = 0;
  for (const auto& entry : fs::directory_iterator(html)) {
    if (entry.path().extension() != ".html") {
      continue;
    }
    const std::string text = read_file(entry.path());
    for (auto it = std::sregex_iterator(text.begin(), text.end(), href); it != std::sregex_iterator(); ++it) {
      std::string target = (*it)[1];
      if (target.empty() || target.rfind("http:", 0) == 0 || target.rfind("https:", 0) == 0 ||
          target.rfind("mailto:", 0) == 0 || target.rfind("javascript:", 0) == 0) {
        continue;
      }
      ++links;
      std::string fragment;
      if (const auto hash = target.find('#'); hash != std::string::npos) {
        fragment = target.substr(hash + 1);
        target = target.substr(0, hash);
      }
      const fs::path file = target.empty() ? entry.path() : html / target;
      if (!fs::exists(file)) {
        fail(entry.path().filename().string() + ": broken link to " + target);
      } else if (!fragment.empty() && file.extension() == ".html" && anchors_of(file).count(fragment) == 0) {
        fail(entry.path().filename().string() + ": link to " + target + "#" + fragment + ": no such anchor");
      }
    }
  }

  // 3. Screenshots for a person to look at.
  for (const auto& page : {html / "index.html", chapters.empty() ? html / "index.html" : chapters.front()}) {
    auto args = chromium_args(chromium, profile);
    const fs::path shot = shots / (page.stem().string() + ".png");
    args.push_back("--window-size=1280,1600");
    args.push_back("--screenshot=" + shot.string());
    args.push_back("file://" + page.string());
    run(args);
    if (!fs::exists(shot)) {
      fail("no screenshot of " + page.filename().string());
    } else {
      std::cout << "  screenshot: " << shot.string() << "\n";
    }
  }
  fs::remove_all(profile);

  std::cout << "check_site: " << chapters.size() << " chapter pages, " << links << " internal links checked, "
            << problems << " problems\n";
  return problems == 0 ? 0 : 1;
}
