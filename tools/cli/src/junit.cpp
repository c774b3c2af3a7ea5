#include "junit.hpp"

#include <cstdlib>
#include <stdexcept>

namespace workbook::cli {

namespace {

// The value of attribute `name` in the start tag `tag` ("" if absent).
std::string attribute(const std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  std::size_t at = tag.find(key);
  if (at == std::string::npos) {
    // ctest separates attributes with newlines and tabs as well as spaces.
    for (const char* sep : {"\t", "\n"}) {
      at = tag.find(sep + name + "=\"");
      if (at != std::string::npos) {
        break;
      }
    }
    if (at == std::string::npos) {
      return "";
    }
  }
  const std::size_t begin = at + key.size();
  const std::size_t end = tag.find('"', begin);
  if (end == std::string::npos) {
    throw std::runtime_error("malformed JUnit XML: unterminated attribute " + name);
  }
  return decode_xml_entities(tag.substr(begin, end - begin));
}

void append_utf8(std::string& out, unsigned long code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

} // namespace

std::string decode_xml_entities(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const std::size_t semi = text.find(';', i);
    if (semi == std::string::npos || semi - i > 10) {
      out += text[i];
      continue;
    }
    const std::string entity = text.substr(i + 1, semi - i - 1);
    if (entity == "lt") {
      out += '<';
    } else if (entity == "gt") {
      out += '>';
    } else if (entity == "amp") {
      out += '&';
    } else if (entity == "quot") {
      out += '"';
    } else if (entity == "apos") {
      out += '\'';
    } else if (!entity.empty() && entity[0] == '#') {
      const bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
      append_utf8(out, std::strtoul(entity.c_str() + (hex ? 2 : 1), nullptr, hex ? 16 : 10));
    } else {
      out += text.substr(i, semi - i + 1);
    }
    i = semi;
  }
  return out;
}

std::vector<TestRecord> parse_junit(const std::string& xml) {
  std::vector<TestRecord> records;
  std::size_t at = 0;
  while ((at = xml.find("<testcase", at)) != std::string::npos) {
    const std::size_t tag_end = xml.find('>', at);
    if (tag_end == std::string::npos) {
      throw std::runtime_error("malformed JUnit XML: unterminated <testcase>");
    }
    const std::string tag = xml.substr(at, tag_end - at);
    TestRecord record;
    record.name = attribute(tag, "name");
    record.status = attribute(tag, "status");
    record.seconds = std::strtod(attribute(tag, "time").c_str(), nullptr);

    std::size_t body_end = tag_end;
    if (xml[tag_end - 1] != '/') {
      body_end = xml.find("</testcase>", tag_end);
      if (body_end == std::string::npos) {
        throw std::runtime_error("malformed JUnit XML: missing </testcase>");
      }
      const std::string body = xml.substr(tag_end + 1, body_end - tag_end - 1);
      if (const auto failure = body.find("<failure"); failure != std::string::npos) {
        record.failure_message =
            attribute(body.substr(failure, body.find('>', failure) - failure), "message");
      }
      if (const auto out = body.find("<system-out>"); out != std::string::npos) {
        const auto begin = out + std::string("<system-out>").size();
        const auto end = body.find("</system-out>", begin);
        record.output = decode_xml_entities(
            body.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
      }
    }
    const std::size_t element_end =
        body_end == tag_end ? tag_end + 1 : body_end + std::string("</testcase>").size();
    record.xml = xml.substr(at, element_end - at);
    records.push_back(std::move(record));
    at = body_end;
  }
  return records;
}

} // namespace workbook::cli
