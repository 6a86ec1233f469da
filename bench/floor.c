/* The benchmark's floor: the least any libpcap-based analyzer does. It opens a capture through the
 * same 64 KiB stdio read buffer bitsnoop uses (PcapHandle.fileReadBufferBytes), reads every packet
 * with pcap_next_ex and touches one byte of each (summed, so the compiler cannot drop the reads),
 * then prints the packet count, byte count and sum. Build: cc -O3 floor.c -lpcap.
 *
 * -DEVERY_BYTE builds the floor of the earlier figures instead, which sums every byte of every
 * packet: work bitsnoop never does (bodies are counted, not read), so it flatters bitsnoop's ratio.
 * -DSTDIO_BUFFER=0 opens the file with pcap_open_offline (stdio's default 4 KiB buffer). */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

#ifndef STDIO_BUFFER
#define STDIO_BUFFER 65536
#endif

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: floor CAPTURE\n");
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
#if STDIO_BUFFER > 0
    static char buffer[STDIO_BUFFER];
    FILE *file = fopen(argv[1], "rb");
    if (file == NULL) {
        perror("floor");
        return 2;
    }
    setvbuf(file, buffer, _IOFBF, sizeof buffer);
    pcap_t *handle = pcap_fopen_offline(file, errbuf);
#else
    pcap_t *handle = pcap_open_offline(argv[1], errbuf);
#endif
    if (handle == NULL) {
        fprintf(stderr, "floor: %s\n", errbuf);
        return 2;
    }
    uint64_t packets = 0, bytes = 0, sum = 0;
    struct pcap_pkthdr *header;
    const u_char *data;
    int status;
    while ((status = pcap_next_ex(handle, &header, &data)) == 1) {
        packets += 1;
        bytes += header->caplen;
#ifdef EVERY_BYTE
        for (bpf_u_int32 i = 0; i < header->caplen; i++) sum += data[i];
#else
        if (header->caplen > 0) sum += data[0];
#endif
    }
    if (status == -1) {
        fprintf(stderr, "floor: %s\n", pcap_geterr(handle));
        pcap_close(handle);
        return 2;
    }
    pcap_close(handle);
    printf("%llu packets, %llu bytes, sum %llu\n", (unsigned long long)packets, (unsigned long long)bytes,
           (unsigned long long)sum);
    return 0;
}
