#ifndef LILT_CALSA_SHIM_H
#define LILT_CALSA_SHIM_H
#include <alsa/asoundlib.h>

// Subscribes the ALSA sequencer port `sender` (client:port) to `dest`, as `aconnect` does; 0 or a
// negative ALSA error code. A third party may connect two other clients' ports when both allow it.
static inline int lilt_alsa_connect(int sender_client, int sender_port, int dest_client, int dest_port) {
    snd_seq_t *seq;
    int result = snd_seq_open(&seq, "default", SND_SEQ_OPEN_DUPLEX, 0);
    if (result < 0) return result;
    snd_seq_port_subscribe_t *subscription;
    snd_seq_port_subscribe_alloca(&subscription);
    snd_seq_addr_t sender = { .client = (unsigned char)sender_client, .port = (unsigned char)sender_port };
    snd_seq_addr_t dest = { .client = (unsigned char)dest_client, .port = (unsigned char)dest_port };
    snd_seq_port_subscribe_set_sender(subscription, &sender);
    snd_seq_port_subscribe_set_dest(subscription, &dest);
    result = snd_seq_subscribe_port(seq, subscription);
    snd_seq_close(seq);
    return result;
}
#endif
