#pragma once
// A ManagementService over the session fixture's PostOffice (in-memory journals), answering the
// management address, with a caller allowed everything. `node` is what the server would say
// about the node.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "../core/server_session_fixture.hpp"
#include "management/management_service.hpp"

namespace artemis::testing {

struct ManagementFixture : SessionFixture {
  management::ManagementService service;
  security::Subject admin{"alice", {"amq"}, false};

  explicit ManagementFixture(std::function<management::NodeState()> node =
                                 [] { return management::NodeState{"node-1"}; })
      : service(management::ManagementContext{*po, config, security, log, std::move(node)}) {
    po->set_management(&service);
  }
  ~ManagementFixture() { po->set_management(nullptr); }

  nlohmann::json call(const std::string& resource, const std::string& operation,
                      nlohmann::json args = nlohmann::json::array()) {
    return service.invoke(resource, operation, management::OperationArgs(std::move(args)), admin);
  }
  std::string failure(const std::string& resource, const std::string& operation,
                      nlohmann::json args = nlohmann::json::array()) {
    try {
      call(resource, operation, std::move(args));
    } catch (const management::OperationError& e) {
      return e.what();
    }
    return "succeeded";
  }
  core::MessagePtr request(const std::string& resource, const std::string& operation,
                           const std::string& args, const std::string& reply_to) {
    auto m = message(args);
    m->record.properties.set_text(management::kResourceName, resource);
    m->record.properties.set_text(management::kOperationName, operation);
    if (!reply_to.empty()) m->record.properties.set_text(core::kReplyTo, reply_to);
    return m;
  }
};

}  // namespace artemis::testing
