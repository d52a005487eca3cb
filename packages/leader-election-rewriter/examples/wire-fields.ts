import { wire } from '@ctrlmesh/leader-election-rewriter';

const { LENGTH_DELIMITED, WireFieldCursor } = wire;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// The ObjectMeta of a Lease as the apiserver encodes it: name is field 1, namespace field 3.
const meta = Uint8Array.of(0x0a, 4, ...encoder.encode('lock'), 0x1a, 3, ...encoder.encode('ops'));

// The cursor moves over the fields in place: nothing is allocated per field.
const names: string[] = [];
const field = new WireFieldCursor(meta);
while (field.next()) {
  if (field.wireType !== LENGTH_DELIMITED) continue;
  names.push(`${field.number}=${decoder.decode(meta.subarray(field.payloadStart, field.end))}`);
}
console.log(names.join(' '), field.malformed); // => 1=lock 3=ops false

// A message cut off inside a field ends the walk early, and says so.
const cut = new WireFieldCursor(meta.subarray(0, 4));
console.log(cut.next(), cut.malformed); // => false true
