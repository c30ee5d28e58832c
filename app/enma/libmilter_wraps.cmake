# libmilter_wraps.cmake - refuse to configure against a libmilter the link-time wraps do not fit.
#
# enma links libmilter.a with -Wl,--wrap=accept,read,poll,close,writev,sigwait
# (libmilter_tcp.cpp, libmilter_sigwait.cpp). --wrap only redirects calls made by those plain
# names: a libmilter built with _FORTIFY_SOURCE (read -> __read_chk), with select() instead of
# poll(), or without the worker pool (mi_pool_controller_init) would bypass the wraps and
# stall or desynchronise silently. So the archive's symbols are checked here, loudly.
function(enma_check_libmilter_wraps archive)
  execute_process(COMMAND ${CMAKE_NM} ${archive}
    OUTPUT_VARIABLE symbols ERROR_VARIABLE nm_error RESULT_VARIABLE nm_status)
  if(NOT nm_status EQUAL 0)
    message(FATAL_ERROR "libmilter wraps: cannot list the symbols of ${archive} with "
      "${CMAKE_NM}: ${nm_error}")
  endif()
  set(problems "")
  foreach(symbol accept read poll close writev sigwait)
    if(NOT symbols MATCHES "[ \t]U ${symbol}\n")
      list(APPEND problems "does not call ${symbol}() by that name")
    endif()
  endforeach()
  foreach(symbol __read_chk __poll_chk select __select_chk __fdelt_chk)
    if(symbols MATCHES "[ \t]U ${symbol}\n")
      list(APPEND problems "calls ${symbol}()")
    endif()
  endforeach()
  if(NOT symbols MATCHES "[ \t]T mi_pool_controller_init\n")
    list(APPEND problems "has no worker pool (mi_pool_controller_init)")
  endif()
  if(problems)
    list(JOIN problems "; " text)
    message(FATAL_ERROR "libmilter wraps: ${archive} ${text}. enma's --wrap= link options "
      "(app/enma/libmilter_tcp.cpp, app/enma/libmilter_sigwait.cpp) were written for Debian's "
      "libmilter 8.17 and would silently miss this one's calls; see docs/mta-setup.md.")
  endif()
  message(STATUS "libmilter wraps: ${archive} calls accept/read/poll/close/writev/sigwait "
    "by name and has the worker pool")
endfunction()
