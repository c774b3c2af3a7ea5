// check_site HTML_DIR SCREENSHOT_DIR
//
// Checks the built documentation site as a reader would see it:
//  - every chapter page, opened in headless Chromium, renders its title,
//    its section headings and its code blocks;
//  - no internal link of any page is broken (the target file exists and, for
//    a link with a #fragment, the target has that id or name);
//  - the navigation tree, which Doxygen's script fills after the page has
//    loaded, shows the chapters (Chromium is given virtual time to run it);
//  - every image of the Performance page (the bench's charts) loads and
//    decodes in Chromium, and the page shows its table as a table;
//  - screenshots of the front page, the first chapter and the Performance
//    page (also in dark mode), taken once the scripts have run, are kept in
//    SCREENSHOT_DIR.
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

// Doxygen fills the navigation tree and the search box by script after the
// page has loaded: Chromium runs the page's timers and loads in virtual time
// (up to this budget, in ms) before it dumps the DOM or takes a screenshot.
constexpr const char* kScriptBudget = "--virtual-time-budget=10000";

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
  const std::regex nav_entry(R"(<div class="item[^"]*"[^>]*>)");
  for (const auto& page : chapters) {
    auto args = chromium_args(chromium, profile);
    args.push_back(kScriptBudget);
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
    // The navigation tree: one entry per chapter at least, filled by script.
    const int entries = count(dom, nav_entry);
    if (entries < static_cast<int>(chapters.size())) {
      fail(name + ": the navigation tree shows " + std::to_string(entries) + " entries (fewer than the " +
           std::to_string(chapters.size()) + " chapters): its script did not run or found no data");
    }
    std::cout << "  " << name << ": rendered, " << headings << " headings, " << blocks << " code blocks, "
              << entries << " navigation entries\n";
  }

  // 2. The Performance page: a real table, and charts that load.
  const fs::path performance = html / "performance.html";
  if (!fs::exists(performance)) {
    fail("no performance.html (the Performance page, docs/performance.md)");
  } else {
    auto args = chromium_args(chromium, profile);
    args.push_back(kScriptBudget);
    args.push_back("--dump-dom");
    args.push_back("file://" + performance.string());
    const auto [status, dom] = run(args);
    if (status != 0 || dom.empty()) {
      fail("performance.html: Chromium could not render it");
    }
    const std::regex table_row(R"(<tr[ >])");
    const int rows = count(dom, table_row);
    if (rows < 5) {
      fail("performance.html: its table of claims has " + std::to_string(rows) + " rows rendered");
    }
    std::vector<std::string> images; // as the page names them
    std::vector<std::string> urls;   // as Chromium loads them
    // Doxygen shows an SVG as <object data=...>, other images as <img src=...>.
    const std::regex image(R"re(<(?:img[^>]*\ssrc|object[^>]*\sdata)="([^"]+)")re");
    // The page's own images (the charts), not the theme's icons around it.
    const auto contents = std::min(dom.find("class=\"contents\""), dom.size());
    const auto footer = std::min(dom.find("class=\"footer\"", contents), dom.size());
    for (auto it = std::sregex_iterator(dom.begin() + static_cast<std::ptrdiff_t>(contents),
                                        dom.begin() + static_cast<std::ptrdiff_t>(footer), image);
         it != std::sregex_iterator(); ++it) {
      const std::string source = (*it)[1];
      images.push_back(source);
      urls.push_back(source.find(':') == std::string::npos ? "file://" + (html / source).string() : source);
    }
    if (images.empty()) {
      fail("performance.html: no chart (no <img> or <object>) on the page");
    }
    // A page of our own loads each image and writes, once all have settled,
    // "loaded WxH URL" for each one that decoded: what a reader would see.
    const fs::path probe = shots / "image-check.html";
    {
      std::ofstream out(probe);
      out << "<!DOCTYPE html><html><body><pre id=\"result\">pending</pre><script>\nconst sources = [";
      for (const auto& url : urls) {
        out << "\"" << url << "\",";
      }
      out << "];\nlet left = sources.length; const lines = [];\n"
          << "for (const source of sources) { const img = new Image();\n"
          << "  const done = (ok) => { lines.push((ok && img.naturalWidth > 0 ? 'loaded ' : 'FAILED ') + "
             "img.naturalWidth + 'x' + img.naturalHeight + ' ' + source);\n"
          << "    if (--left === 0) document.getElementById('result').textContent = lines.join('\\n'); };\n"
          << "  img.onload = () => done(true); img.onerror = () => done(false); img.src = source; }\n"
          << "</script></body></html>\n";
    }
    auto probe_args = chromium_args(chromium, profile);
    probe_args.push_back(kScriptBudget);
    probe_args.push_back("--dump-dom");
    probe_args.push_back("file://" + probe.string());
    const std::string probe_dom = run(probe_args).second;
    const std::regex loaded_line(R"(loaded [1-9][0-9]*x[1-9][0-9]* ([^\s<]+))");
    std::set<std::string> decoded;
    for (auto line = std::sregex_iterator(probe_dom.begin(), probe_dom.end(), loaded_line);
         line != std::sregex_iterator(); ++line) {
      decoded.insert((*line)[1]);
    }
    int loaded = 0;
    for (std::size_t i = 0; i < images.size(); ++i) {
      if (decoded.count(urls[i]) != 0) {
        ++loaded;
      } else {
        fail("performance.html: the image " + images[i] + " does not load in Chromium");
      }
    }
    std::cout << "  performance.html: " << rows << " table rows, " << loaded << " of " << images.size()
              << " charts loaded\n";
  }

  // 3. Internal links of every page.
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

  // 4. Screenshots for a person to look at, once the scripts have run.
  for (const auto& page :
       {html / "index.html", chapters.empty() ? html / "index.html" : chapters.front(), performance}) {
    if (!fs::exists(page)) {
      continue;
    }
    auto args = chromium_args(chromium, profile);
    const fs::path shot = shots / (page.stem().string() + ".png");
    args.push_back(kScriptBudget);
    args.push_back("--hide-scrollbars");
    // The Performance page tall enough to show its table and its charts.
    args.push_back(page == performance ? "--window-size=1280,4000" : "--window-size=1280,1600");
    args.push_back("--screenshot=" + shot.string());
    args.push_back("file://" + page.string());
    run(args);
    if (!fs::exists(shot)) {
      fail("no screenshot of " + page.filename().string());
    } else {
      std::cout << "  screenshot: " << shot.string() << "\n";
    }
  }
  // The theme's dark mode, as a reader whose system prefers it sees the site.
  if (fs::exists(performance)) {
    auto args = chromium_args(chromium, profile);
    const fs::path shot = shots / "performance-dark.png";
    args.push_back(kScriptBudget);
    args.push_back("--hide-scrollbars");
    args.push_back("--blink-settings=preferredColorScheme=0"); // 0: dark
    args.push_back("--window-size=1280,1600");
    args.push_back("--screenshot=" + shot.string());
    args.push_back("file://" + performance.string());
    run(args);
    if (fs::exists(shot)) {
      std::cout << "  screenshot: " << shot.string() << " (dark mode)\n";
    } else {
      fail("no dark-mode screenshot of performance.html");
    }
  }
  fs::remove_all(profile);

  std::cout << "check_site: " << chapters.size() << " chapter pages, " << links << " internal links checked, "
            << problems << " problems\n";
  return problems == 0 ? 0 : 1;
}
