/*
 * tc BPF programs for the vlan-8021q fixture: this machine's kernel has no
 * 802.1Q module, so the tag is pushed on egress and popped on ingress by the
 * kernel's own VLAN helpers. libpcap puts the tag back into captured frames
 * (from the packet's metadata), so the capture holds real 802.1Q frames of
 * real sockets. Built by Fixtures/record with clang -target bpf.
 */
typedef unsigned short u16;
typedef unsigned int u32;
struct __sk_buff { u32 len; };

/* Helper ids from include/uapi/linux/bpf.h. */
static long (*bpf_skb_vlan_push)(struct __sk_buff *skb, u16 proto, u16 tci) = (void *)18;
static long (*bpf_skb_vlan_pop)(struct __sk_buff *skb) = (void *)19;

#define TC_ACT_OK 0
#define VLAN_ID 100

__attribute__((section("egress"), used)) int tag(struct __sk_buff *skb) {
    bpf_skb_vlan_push(skb, __builtin_bswap16(0x8100), VLAN_ID);
    return TC_ACT_OK;
}

__attribute__((section("ingress"), used)) int untag(struct __sk_buff *skb) {
    bpf_skb_vlan_pop(skb);
    return TC_ACT_OK;
}

char _license[] __attribute__((section("license"), used)) = "GPL";
