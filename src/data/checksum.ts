/**
 * CRC-32 (IEEE 802.3, the zlib/PNG/gzip polynomial), table-driven, in plain TypeScript.
 *
 * Why not crypto.subtle: it only exists in secure contexts, and a classroom often serves the
 * app over plain http from a laptop on the LAN, where `crypto.subtle` is undefined. A CRC is
 * enough here: it guards against truncated or stale files, not against an adversary.
 * The data-prep script uses this same function, so both sides agree by construction.
 */

let table: Uint32Array | undefined;

/** The 256-entry table for the reflected polynomial 0xEDB88320, built once on first use. */
function crcTable(): Uint32Array {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  return table;
}

/**
 * CRC-32 of `bytes` as an unsigned 32-bit integer (crc32("123456789") === 0xCBF43926).
 *
 * Pass the result of a previous call as `previous` to checksum data that arrives in chunks:
 * `crc32(b, crc32(a)) === crc32(concat(a, b))`.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = crcTable();
  let c = ~previous;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
