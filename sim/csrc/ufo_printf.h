// Forced into every C++ file of the model and the Verilator runtime (build.rs: `-include`), with
// VL_PRINTF defined to ufo_vl_printf: every message of the runtime ($display, the "%Error: ...
// Assertion failed" of an $error) goes through the shim, which prints it and keeps the error
// lines of the model evaluating at the time, so a failure names the assertion that fired.
#ifndef UFO_PRINTF_H
#define UFO_PRINTF_H
extern "C" int ufo_vl_printf(const char* format, ...) __attribute__((format(printf, 1, 2)));
#endif
