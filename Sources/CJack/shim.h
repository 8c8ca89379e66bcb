#ifndef LILT_CJACK_SHIM_H
#define LILT_CJACK_SHIM_H
#include <jack/jack.h>
#include <jack/midiport.h>

static inline void lilt_jack_quiet(const char *message) { (void)message; }

// jack_client_open is variadic, which Swift cannot call: a client that never starts a server. libjack's
// messages ("jack server is not running…") would land on the terminal; "no server" is a normal answer.
static inline jack_client_t *lilt_jack_open(const char *name) {
    jack_set_error_function(lilt_jack_quiet);
    jack_set_info_function(lilt_jack_quiet);
    jack_status_t status;
    return jack_client_open(name, JackNoStartServer, &status);
}

static const unsigned long lilt_jack_port_is_output = JackPortIsOutput;
static const unsigned long lilt_jack_port_is_input = JackPortIsInput;
#endif
