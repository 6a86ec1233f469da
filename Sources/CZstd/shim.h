// Umbrella header for libzstd. Only Sources/CaptureIO/DecompressingReader.swift imports this module.
#ifndef BITSNOOP_CZSTD_SHIM_H
#define BITSNOOP_CZSTD_SHIM_H
#include <zstd.h>
#endif
