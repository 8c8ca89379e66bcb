#ifndef LILT_CFLUIDSYNTH_SHIM_H
#define LILT_CFLUIDSYNTH_SHIM_H
#include <fluidsynth.h>

// Macros Swift cannot import, as constants.
static const int lilt_fluid_ok = FLUID_OK;
static const int lilt_fluid_failed = FLUID_FAILED;
#endif
