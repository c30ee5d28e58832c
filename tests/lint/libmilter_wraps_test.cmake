# libmilter_wraps_test.cmake - run by ctest (libmilter_wraps_check): the guard passes on the
# real archive and fails, naming the missing calls, on an archive built without them.
include(${SCRIPT})
enma_check_libmilter_wraps(${GOOD})
# A stand-in "libmilter" that reads with the fortified __read_chk and has no pool.
set(dir ${CMAKE_CURRENT_BINARY_DIR}/libmilter_wraps_test)
file(MAKE_DIRECTORY ${dir})
file(WRITE ${dir}/bad.c "#include <unistd.h>\nextern long __read_chk(int, void*, unsigned long, unsigned long);\nlong f(int fd, char* b) { return __read_chk(fd, b, 1, 1); }\n")
execute_process(COMMAND cc -c ${dir}/bad.c -o ${dir}/bad.o RESULT_VARIABLE status)
execute_process(COMMAND ar rcs ${dir}/libbad.a ${dir}/bad.o RESULT_VARIABLE status2)
if(NOT status EQUAL 0 OR NOT status2 EQUAL 0)
  message(FATAL_ERROR "could not build the stand-in archive")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -DCMAKE_NM=${CMAKE_NM} -DGOOD=${dir}/libbad.a
  -DSCRIPT=${SCRIPT} -P ${CMAKE_CURRENT_LIST_DIR}/libmilter_wraps_probe.cmake
  RESULT_VARIABLE bad_status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(bad_status EQUAL 0)
  message(FATAL_ERROR "the guard accepted an archive that calls __read_chk: ${out}")
endif()
string(REGEX REPLACE "[ \t\n]+" " " err "${err}")  # message() wraps long lines
foreach(expected "calls __read_chk()" "does not call read() by that name" "has no worker pool")
  string(FIND "${err}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the guard's error does not say '${expected}':\n${err}")
  endif()
endforeach()
message(STATUS "libmilter wraps guard: accepts ${GOOD}, refuses the stand-in")
