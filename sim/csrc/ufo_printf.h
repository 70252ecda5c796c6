// Forced into the Verilator runtime's C++ files (build.rs: OPT_GLOBAL `-include`), with VL_PRINTF
// defined to ufo_vl_printf: every message the runtime prints ($display, the "%Error: ...
// Assertion failed" of an $error, which the model hands to the runtime) goes through the shim,
// which prints it and keeps the error lines of the model evaluating at the time, so a failure
// names the assertion that fired.
#ifndef UFO_PRINTF_H
#define UFO_PRINTF_H
extern "C" int ufo_vl_printf(const char* format, ...) __attribute__((format(printf, 1, 2)));
#endif
