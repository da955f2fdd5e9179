/**
 * Named event counters. Every frame the stack drops, and every malformed or refused one, is
 * counted under the name of its reason, so that bad input is visible without the receive path
 * ever throwing. The names, by layer:
 */
export type CounterName =
  // Frames in and out; the NIC refused a frame (backpressure), the link was down, no address yet
  // or no route (no gateway) for the destination.
  | "rx_frames"
  | "tx_frames"
  | "tx_busy"
  | "tx_link_down"
  | "tx_unconfigured"
  | "tx_no_route"
  | "link_up"
  | "link_down"
  // Ethernet (ethernet.ts).
  | "eth_truncated"
  | "eth_oversized"
  | "eth_not_for_us"
  | "eth_multicast"
  | "eth_bad_source"
  | "eth_vlan"
  | "eth_not_ethernet_ii"
  | "eth_unknown_type"
  // ARP (arp.ts).
  | "arp_truncated"
  | "arp_unsupported"
  | "arp_bad_opcode"
  | "arp_bad_sender"
  | "arp_address_conflict"
  | "arp_request_not_for_us"
  | "arp_spoof_ignored"
  | "arp_cache_full"
  | "arp_evicted"
  | "arp_queue_overflow"
  | "arp_unresolved"
  // IPv4 (ipv4.ts, stack.ts).
  | "ipv4_truncated"
  | "ipv4_bad_version"
  | "ipv4_bad_header_length"
  | "ipv4_bad_total_length"
  | "ipv4_bad_checksum"
  | "ipv4_fragment"
  | "ipv4_bad_source"
  | "ipv4_multicast"
  | "ipv4_not_for_us"
  | "ipv4_options_skipped"
  | "ipv4_unicast_in_link_broadcast"
  | "ipv4_unknown_protocol"
  // ICMP (icmp.ts).
  | "icmp_truncated"
  | "icmp_bad_checksum"
  | "icmp_echo_answered"
  | "icmp_broadcast_echo_ignored"
  | "icmp_unexpected_reply"
  | "icmp_unreachable_received"
  | "icmp_unhandled_type"
  | "icmp_rate_limited"
  // UDP (udp.ts).
  | "udp_truncated"
  | "udp_bad_length"
  | "udp_bad_checksum"
  | "udp_no_port"
  | "udp_no_listener"
  // TCP segments (tcp/segment.ts, tcp/tcp.ts).
  | "tcp_truncated"
  | "tcp_bad_header_length"
  | "tcp_bad_checksum"
  | "tcp_bad_options"
  | "tcp_broadcast"
  | "tcp_bad_port"
  | "tcp_unconfigured"
  | "tcp_no_connection"
  | "tcp_listen_ack"
  | "tcp_listen_no_syn"
  | "tcp_syn_dropped"
  | "tcp_time_wait_reused"
  | "tcp_no_listener_at_accept"
  // TCP connections (tcp/connection.ts).
  | "tcp_out_of_window"
  | "tcp_duplicate_segment"
  | "tcp_rst_out_of_window"
  | "tcp_rst_challenged"
  | "tcp_reset_received"
  | "tcp_syn_challenged"
  | "tcp_syn_retransmitted_by_peer"
  | "tcp_no_ack"
  | "tcp_bad_ack"
  | "tcp_ack_unsent"
  | "tcp_ack_too_old"
  | "tcp_connection_refused"
  | "tcp_out_of_order_queued"
  | "tcp_out_of_order_dropped"
  | "tcp_zero_window_dropped"
  | "tcp_zero_window_probe"
  | "tcp_persist_timeout"
  | "tcp_rto_expired"
  | "tcp_retransmitted_segments"
  | "tcp_fast_retransmit"
  | "tcp_retransmit_timeout"
  | "tcp_handshake_timeout"
  | "tcp_tx_blocked"
  | "tcp_fin_wait_2_timeout"
  | "tcp_keepalive_probe"
  | "tcp_keepalive_timeout"
  // DHCP client (dhcp/): replies refused, and what the lease went through.
  | "dhcp_malformed"
  | "dhcp_not_for_us"
  | "dhcp_bad_xid"
  | "dhcp_unexpected"
  | "dhcp_bad_offer"
  | "dhcp_overload_ignored"
  | "dhcp_retransmit"
  | "dhcp_nak"
  | "dhcp_bound"
  | "dhcp_renewed"
  | "dhcp_request_timeout"
  | "dhcp_lease_expired"
  // DNS resolver (dns/): answers refused, retries and the cache.
  | "dns_malformed"
  | "dns_unexpected_source"
  | "dns_unexpected_id"
  | "dns_question_mismatch"
  | "dns_truncated"
  | "dns_server_error"
  | "dns_retransmit"
  | "dns_timeout"
  | "dns_cache_hit"
  | "dns_cache_evicted";

export class Counters {
  /**
   * A prototype-less object rather than a Map: the names are string literals, which QuickJS
   * holds as atoms, so a property lookup skips the hashing of the string a Map does on every
   * add() (two per frame at least). Keys keep their insertion order, as a Map's do.
   */
  private readonly values: Partial<Record<CounterName, number>> = Object.create(null) as Partial<Record<CounterName, number>>;

  add(name: CounterName, n = 1): void {
    this.values[name] = (this.values[name] ?? 0) + n;
  }

  get(name: CounterName): number {
    return this.values[name] ?? 0;
  }

  /** A copy of every counter that has counted, for printing or comparing. */
  snapshot(): Partial<Record<CounterName, number>> {
    return { ...this.values };
  }
}
