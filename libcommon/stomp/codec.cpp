#include "stomp/codec.hpp"
// Implementation pending: see the STOMP codec work item.
