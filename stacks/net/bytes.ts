/**
 * Big-endian field readers for the parsers (DHCP, DNS, ICMP, Ethernet): multi-byte header fields
 * are in network byte order, most significant byte first (RFC 791 appendix B, "Data
 * Transmission Order"). The caller has checked that the bytes are there. They are
 * runtime/bytes.ts's, which stacks/ssh, stacks/tls and the Web Crypto unit share.
 */
export { readU16BE as readU16, readU32BE as readU32 } from "../../runtime/bytes.ts";
