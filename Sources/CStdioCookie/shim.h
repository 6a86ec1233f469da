// glibc's fopencookie(3), which Swift's Glibc module hides (it is a _GNU_SOURCE extension). Declared
// here under its own names and bound to the real symbol, so that it cannot clash with <stdio.h>.
// Only Sources/CaptureIO/DecompressingReader.swift imports this module.
#ifndef BITSNOOP_CSTDIOCOOKIE_SHIM_H
#define BITSNOOP_CSTDIOCOOKIE_SHIM_H
#include <stdio.h>
#include <sys/types.h>

#if defined(__GLIBC__)
typedef ssize_t bitsnoop_cookie_read(void *cookie, char *buffer, size_t size);
typedef ssize_t bitsnoop_cookie_write(void *cookie, const char *buffer, size_t size);
typedef int bitsnoop_cookie_seek(void *cookie, long long *position, int whence);
typedef int bitsnoop_cookie_close(void *cookie);

/// The layout of glibc's cookie_io_functions_t.
typedef struct {
    bitsnoop_cookie_read *read;
    bitsnoop_cookie_write *write;
    bitsnoop_cookie_seek *seek;
    bitsnoop_cookie_close *close;
} bitsnoop_cookie_functions;

FILE *bitsnoop_fopencookie(void *cookie, const char *mode, bitsnoop_cookie_functions functions)
    __asm__("fopencookie");
#endif
#endif
