# artemis_unit_test(<layer> SOURCES ... LIBS ...): one doctest binary per layer, registered with ctest.
function(artemis_unit_test layer)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  set(target unit_${layer})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} artemis_test_support artemis_test_main)
  add_test(NAME unit.${layer} COMMAND ${target})
  set_tests_properties(unit.${layer} PROPERTIES LABELS unit TIMEOUT 600)
endfunction()

# artemis_layer(<target> DEPS ...): a static library of every .cpp in the calling directory
# (sub-folders excluded), so adding a file needs no CMake edit. Include paths are rooted at
# libbroker/, libcommon/ and libclient/: #include "journal/journal.hpp".
function(artemis_layer target)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(sources)
    add_library(${target} STATIC ${sources})
    target_link_libraries(${target} PUBLIC ${ARG_DEPS})
  else()
    add_library(${target} INTERFACE)
    target_link_libraries(${target} INTERFACE ${ARG_DEPS})
  endif()
endfunction()

# Every doctest source in tests/unit/<layer>/ becomes part of unit_<layer>.
function(artemis_layer_tests layer)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${layer}/*.cpp)
  if(sources)
    artemis_unit_test(${layer} SOURCES ${sources} LIBS ${ARG_LIBS})
  endif()
endfunction()
