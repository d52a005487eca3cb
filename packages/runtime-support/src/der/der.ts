// Minimal DER (X.690) writer: just what the runtimes' X.509 v3 certificates need (the manager's
// webhook CA and serving certificates, the proxy's self-signed one). Node can sign and parse
// certificates but not build them, and one small writer is lighter than a certificate library for
// three certificate shapes.

/** One tag-length-value, with DER's definite minimal length. */
export const tlv = (tag: number, content: Buffer): Buffer => {
  if (content.length < 0x80) return Buffer.concat([Buffer.from([tag, content.length]), content]);
  const length: number[] = [];
  for (let n = content.length; n > 0; n >>= 8) length.unshift(n & 0xff);
  return Buffer.concat([Buffer.from([tag, 0x80 | length.length, ...length]), content]);
};

/** SEQUENCE of `parts`. */
export const sequence = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));

/** SET of `parts` (one part each here, so no sorting is needed). */
export const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));

/** `[n] EXPLICIT`. */
export const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);

/**
 * A non-negative INTEGER from big-endian bytes in its one minimal form: no leading zero byte unless
 * the next byte's top bit is set (OpenSSL and Go refuse a serial with a needless one).
 */
export const integer = (bytes: Buffer): Buffer => {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const minimal = bytes.subarray(start);
  return tlv(0x02, (minimal[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal);
};

/** OCTET STRING. */
export const octets = (bytes: Buffer): Buffer => tlv(0x04, bytes);

/** BIT STRING with no unused bits. */
export const bits = (bytes: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));

/** BOOLEAN true. */
export const TRUE: Buffer = tlv(0x01, Buffer.from([0xff]));

/** UTF8String. */
export const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));

/** OBJECT IDENTIFIER from its dotted form. */
export const oid = (dotted: string): Buffer => {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const arc of rest) {
    const base128: number[] = [arc & 0x7f];
    for (let n = arc >> 7; n > 0; n >>= 7) base128.unshift((n & 0x7f) | 0x80);
    out.push(...base128);
  }
  return tlv(0x06, Buffer.from(out));
};

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime after; whole seconds. */
export const time = (date: Date): Buffer => {
  const digits = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${digits}Z`));
};
