// Baseline for `bulwark bench datapath`: the same policy-map updates as the Java FFM layer, from C
// through libbpf. Usage: map_update_loop PINNED_MAP COUNT single|batch. Prints elapsed nanoseconds.
#include <bpf/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

struct policy_key { uint32_t prefixlen; uint32_t identity; uint8_t direction; uint8_t protocol; uint16_t port; };
struct policy_value { uint16_t proxy_port; uint8_t flags; uint8_t prefixlen; };

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s PINNED_MAP COUNT single|batch\n", argv[0]);
        return 2;
    }
    int fd = bpf_obj_get(argv[1]);
    if (fd < 0) {
        perror("bpf_obj_get");
        return 1;
    }
    int n = atoi(argv[2]);
    struct policy_key *keys = calloc(n, sizeof(*keys));
    struct policy_value *values = calloc(n, sizeof(*values));
    for (int i = 0; i < n; i++) {
        keys[i] = (struct policy_key){64, htonl(100000 + i), 0, 6, htons(80)};
        values[i] = (struct policy_value){0, 0, 64};
    }
    uint64_t start = now_ns();
    if (strcmp(argv[3], "batch") == 0) {
        uint32_t count = n;
        if (bpf_map_update_batch(fd, keys, values, &count, NULL) < 0) {
            perror("bpf_map_update_batch");
            return 1;
        }
    } else {
        for (int i = 0; i < n; i++) {
            if (bpf_map_update_elem(fd, &keys[i], &values[i], 0) < 0) {
                perror("bpf_map_update_elem");
                return 1;
            }
        }
    }
    printf("%llu\n", (unsigned long long)(now_ns() - start));
    return 0;
}
