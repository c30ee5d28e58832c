# libmilter_wraps_probe.cmake - the guard on one archive (GOOD), in a process of its own.
include(${SCRIPT})
enma_check_libmilter_wraps(${GOOD})
