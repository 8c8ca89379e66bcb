#ifndef LILT_CFLUIDSYNTH_SHIM_H
#define LILT_CFLUIDSYNTH_SHIM_H
#include <fluidsynth.h>
#include <time.h>

// Macros Swift cannot import, as constants.
static const int lilt_fluid_ok = FLUID_OK;
static const int lilt_fluid_failed = FLUID_FAILED;

// The audio thread's render callback (new_fluid_audio_driver2) and what it watches: the wall clock
// against the audio handed to the driver. Once the clock passes the end of that audio by more than the
// block being asked for, the device has run dry (an underrun: silence was played) and the account starts
// again from now. Written in C because it runs on the driver's real-time thread, where Swift's runtime
// may take locks. Its fields are written by that thread only and read once the driver is deleted.
typedef struct {
    fluid_synth_t *synth;
    double sample_rate;
    double origin_ms;       // wall clock minus audio handed over, at the last re-basing
    double rendered_ms;     // audio handed over since then
    double total_ms;        // audio handed over in all
    long calls;
    long warmup_calls;      // calls while the stream starts, when the clock is re-based but nothing counted
    long underruns;
    double worst_gap_ms;    // the longest silence an underrun inserted, at least
} lilt_render_monitor;

static inline double lilt_monotonic_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6;
}

static inline int lilt_render(void *data, int len, int nfx, float *fx[], int nout, float *out[]) {
    lilt_render_monitor *monitor = (lilt_render_monitor *)data;
    double now = lilt_monotonic_ms();
    double block_ms = (double)len * 1000.0 / monitor->sample_rate;
    if (monitor->calls == 0) {
        monitor->origin_ms = now;
        monitor->rendered_ms = 0;
    } else {
        double late = (now - monitor->origin_ms) - monitor->rendered_ms;
        if (late > block_ms) {
            if (monitor->calls >= monitor->warmup_calls) {
                monitor->underruns += 1;
                if (late > monitor->worst_gap_ms) monitor->worst_gap_ms = late;
            }
            monitor->origin_ms = now;
            monitor->rendered_ms = 0;
        }
    }
    monitor->calls += 1;
    monitor->rendered_ms += block_ms;
    monitor->total_ms += block_ms;
    if (nfx == 0 && nout >= 2) {
        // Drivers without effect buffers: reverb and chorus are mixed into the dry ones.
        float *effects[4] = {out[0], out[1], out[0], out[1]};
        return fluid_synth_process(monitor->synth, len, 4, effects, nout, out);
    }
    return fluid_synth_process(monitor->synth, len, nfx, fx, nout, out);
}
#endif
