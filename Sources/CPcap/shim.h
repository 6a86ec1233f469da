// Umbrella header for libpcap. Only Sources/CaptureIO/PcapHandle.swift imports this module.
#ifndef BITSNOOP_CPCAP_SHIM_H
#define BITSNOOP_CPCAP_SHIM_H
#include <pcap/pcap.h>
#include <stdio.h>
#endif
