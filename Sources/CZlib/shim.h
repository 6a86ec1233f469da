// Umbrella header for zlib. Only Sources/CaptureIO/DecompressingReader.swift imports this module.
#ifndef BITSNOOP_CZLIB_SHIM_H
#define BITSNOOP_CZLIB_SHIM_H
#include <zlib.h>
#endif
