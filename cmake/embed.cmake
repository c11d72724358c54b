# artemis_embed(<target> <namespace> FILES ...): compiles files into a lookup table
# `std::string_view <namespace>::find(std::string_view relative_path)` so the binary carries them.
function(artemis_embed target ns base_dir)
  cmake_parse_arguments(ARG "" "" "FILES" ${ARGN})
  set(out_cpp ${CMAKE_CURRENT_BINARY_DIR}/${target}_embedded.cpp)
  add_custom_command(
    OUTPUT ${out_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} -DNS=${ns} -DBASE=${base_dir}
            "-DFILES=${ARG_FILES}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_gen.cmake
    DEPENDS ${ARG_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_gen.cmake
    COMMENT "Embedding ${target} files"
    VERBATIM)
  add_library(${target} STATIC ${out_cpp})
endfunction()
