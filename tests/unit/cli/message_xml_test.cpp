// The message file of consumer --data / producer --data: written and read back, and a file as
// Artemis's export writes a large message (several base64 CDATA sections).
#include "message_xml.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace artemis::cli {
namespace {

struct XmlFile {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("artemis-message-xml-" + std::to_string(::getpid()) + ".xml");
  ~XmlFile() { std::filesystem::remove(path); }
  void write(const std::string& text) const { std::ofstream(path) << text; }
};

TEST_CASE("cli: messages written to a data file read back the same") {
  XmlFile f;
  client::Message text;
  text.body = "a ]]> b & <c>";
  text.priority = 7;
  text.expiration_ms = 123;
  text.message_id = "42";
  text.properties["colour"] = "blue \"sky\"\nline";
  client::Message bytes;
  bytes.type = client::BodyType::bytes;
  bytes.body = std::string("\0\xff\x01 binary", 10);
  MessageXmlWriter w;
  std::string error;
  REQUIRE(w.open(f.path.string(), error));
  w.write(text);
  w.write(bytes);
  w.close();
  w.close();
  auto read = read_message_xml(f.path.string(), error);
  REQUIRE(read);
  REQUIRE(read->size() == 2);
  CHECK((*read)[0].body == text.body);
  CHECK((*read)[0].type == client::BodyType::text);
  CHECK((*read)[0].priority == 7);
  CHECK((*read)[0].expiration_ms == 123);
  CHECK((*read)[0].properties == text.properties);
  CHECK((*read)[1].type == client::BodyType::bytes);
  CHECK((*read)[1].body == bytes.body);
}

TEST_CASE("cli: a large message's body in several base64 sections; bad files say where") {
  XmlFile f;
  f.write(
      "<?xml version=\"1.0\"?>\n<messages>\n<message id=\"1\" priority=\"4\" expiration=\"0\" "
      "timestamp=\"0\" type=\"bytes\"><properties/><body isLarge=\"true\"><![CDATA[YWJj]]>"
      "<![CDATA[ZGVmZw==]]></body></message>\n</messages>\n");
  std::string error;
  auto read = read_message_xml(f.path.string(), error);
  REQUIRE(read);
  CHECK((*read)[0].body == "abcdefg");
  f.write("<messages><message type=\"bytes\"><body>not base64!</body></message></messages>");
  CHECK_FALSE(read_message_xml(f.path.string(), error));
  CHECK(error.find("message 1: the body is not base64") != std::string::npos);
  f.write("<messages><message>");
  CHECK_FALSE(read_message_xml(f.path.string(), error));
  f.write("<other/>");
  CHECK_FALSE(read_message_xml(f.path.string(), error));
  CHECK(error.find("no <messages> element") != std::string::npos);
}

}  // namespace
}  // namespace artemis::cli
