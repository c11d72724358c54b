#pragma once
// Artemis's message file: what `consumer --data FILE` writes as it consumes and
// `producer --data FILE` sends again (XMLMessageSerializer's format):
//
//   <?xml version="1.0"?>
//   <messages>
//      <message id="12" priority="4" expiration="0" timestamp="1796..." type="text">
//         <properties>
//            <property name="colour" value="blue" type="string"/>
//         </properties>
//         <body><![CDATA[hello]]></body>
//      </message>
//   </messages>
//
// A text body is written as it is, any other base64-encoded (a large one in several CDATA
// sections, each encoded on its own, as Artemis's export writes them). Our clients carry
// properties as text, so every property is written, and sent again, as a string.
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/message.hpp"

namespace artemis::cli {

// One <message> element (indented as in the file).
std::string message_xml(const client::Message& m);

class MessageXmlWriter {
 public:
  // Creates `path` and writes the document's start; false with `error` set when it cannot.
  bool open(const std::string& path, std::string& error);
  // Any thread; each message is flushed to the file as it is written.
  void write(const client::Message& m);
  // Ends the document. Idempotent.
  void close();

 private:
  std::mutex mutex_;
  std::ofstream out_;
};

// Every message of a file written so (or by Artemis); nullopt with `error` saying where the file
// is not one.
std::optional<std::vector<client::Message>> read_message_xml(const std::string& path,
                                                             std::string& error);

}  // namespace artemis::cli
