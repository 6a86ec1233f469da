/* The benchmark's floor: the least any libpcap-based analyzer must do. It opens a capture with
 * libpcap and visits every byte of every packet (a cheap checksum, so the compiler cannot drop the
 * reads), then prints the packet count, byte count and checksum. Build: cc -O3 floor.c -lpcap
 * (add -DREAD_BUFFER=65536 for the variant that reads through bitsnoop's 64 KiB stdio buffer). */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

struct tally {
    uint64_t packets;
    uint64_t bytes;
    uint64_t sum;
};

static void visit(u_char *user, const struct pcap_pkthdr *header, const u_char *bytes) {
    struct tally *tally = (struct tally *)user;
    uint64_t sum = tally->sum;
    for (bpf_u_int32 i = 0; i < header->caplen; i++) {
        sum += bytes[i];
    }
    tally->sum = sum;
    tally->packets += 1;
    tally->bytes += header->caplen;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: floor CAPTURE\n");
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
#ifdef READ_BUFFER
    /* The variant built with -DREAD_BUFFER=N reads through an N-byte stdio buffer, as bitsnoop does
     * (libpcap's default open uses stdio's 4 KiB one). */
    static char buffer[READ_BUFFER];
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
    struct tally tally = {0, 0, 0};
    if (pcap_loop(handle, -1, visit, (u_char *)&tally) == -1) {
        fprintf(stderr, "floor: %s\n", pcap_geterr(handle));
        pcap_close(handle);
        return 2;
    }
    pcap_close(handle);
    printf("%llu packets, %llu bytes, checksum %llu\n", (unsigned long long)tally.packets,
           (unsigned long long)tally.bytes, (unsigned long long)tally.sum);
    return 0;
}
