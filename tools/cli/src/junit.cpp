#include "junit.hpp"

#include <pugixml.hpp>

#include <sstream>
#include <stdexcept>

namespace workbook::cli {

namespace {

// The text of `element`: its character data and CDATA sections, in order
// (pugixml's text() would give only the first of them).
std::string text_of(const pugi::xml_node& element) {
  std::string text;
  for (const pugi::xml_node& child : element.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    }
  }
  return text;
}

TestRecord record_of(const pugi::xml_node& testcase) {
  TestRecord record;
  record.name = testcase.attribute("name").value();
  record.status = testcase.attribute("status").value();
  record.seconds = testcase.attribute("time").as_double();
  record.failure_message = testcase.child("failure").attribute("message").value();
  record.output = text_of(testcase.child("system-out"));
  return record;
}

} // namespace

std::vector<TestRecord> parse_junit(const std::string& xml) {
  pugi::xml_document document;
  // A fragment: a cached verdict is <testcase> elements without a root.
  // Line ends stay as written: a test's output keeps its carriage returns.
  constexpr unsigned options = (pugi::parse_default | pugi::parse_fragment) & ~pugi::parse_eol;
  const pugi::xml_parse_result parsed =
      document.load_buffer(xml.data(), xml.size(), options, pugi::encoding_utf8);
  if (!parsed) {
    throw std::runtime_error("malformed JUnit XML at byte " + std::to_string(parsed.offset) + ": " +
                             parsed.description());
  }
  std::vector<TestRecord> records;
  for (const pugi::xpath_node& found : document.select_nodes("//testcase")) {
    records.push_back(record_of(found.node()));
  }
  return records;
}

std::string to_junit_xml(const TestRecord& record) {
  pugi::xml_document document;
  pugi::xml_node testcase = document.append_child("testcase");
  testcase.append_attribute("name").set_value(record.name.c_str());
  testcase.append_attribute("status").set_value(record.status.c_str());
  testcase.append_attribute("time").set_value(record.seconds);
  if (!record.failure_message.empty()) {
    testcase.append_child("failure").append_attribute("message").set_value(record.failure_message.c_str());
  }
  if (!record.output.empty()) {
    testcase.append_child("system-out").append_child(pugi::node_pcdata).set_value(record.output.c_str());
  }
  std::ostringstream out;
  document.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

} // namespace workbook::cli
