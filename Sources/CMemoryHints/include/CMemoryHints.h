#ifndef HANDSHAKE_MEMORY_HINTS_H
#define HANDSHAKE_MEMORY_HINTS_H

/* Asks the CPU to start loading the cache line at `address`, which is about
   to be read and written. Only a hint: never faults, whatever the address. */
static inline void handshake_prefetch(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
