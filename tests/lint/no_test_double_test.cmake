# no_test_double_test.cmake - run by ctest (no_test_double_check): no program carries a test
# double. `nm -C` of each program in PROGRAMS (comma-separated paths) must show no symbol of
# ZoneResolver, the zone parser or ldns, which only tests/support links (issue 10). The same
# scan of PROBE (a test binary that does link them) must find them, so the pattern cannot rot
# into matching nothing.
set(pattern "ZoneResolver|ZoneReader|ZoneRecord|parse_zone|[ :]ldns_")

# doubles_in - the symbols of `file` that match the pattern ("" if none); fails if nm fails.
function(doubles_in file out)
  execute_process(COMMAND ${CMAKE_NM} -C ${file} COMMAND grep -E "${pattern}"
    RESULTS_VARIABLE statuses OUTPUT_VARIABLE hits ERROR_VARIABLE err)
  list(GET statuses 0 nm_status)
  if(NOT nm_status EQUAL 0)
    message(FATAL_ERROR "nm -C ${file} failed (${nm_status}): ${err}")
  endif()
  set(${out} "${hits}" PARENT_SCOPE)
endfunction()

doubles_in(${PROBE} probe)
if(probe STREQUAL "")
  message(FATAL_ERROR "the pattern finds nothing in ${PROBE}, which links ZoneResolver and ldns")
endif()
string(REPLACE "," ";" programs "${PROGRAMS}")
set(failed "")
foreach(program ${programs})
  doubles_in(${program} hits)
  if(NOT hits STREQUAL "")
    string(REGEX MATCH "^[^\n]*" first "${hits}")
    string(APPEND failed "${program}: e.g. ${first}\n")
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "test doubles in a program:\n${failed}")
endif()
message(STATUS "no test double in: ${programs}")
