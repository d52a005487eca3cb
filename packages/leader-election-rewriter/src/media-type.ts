/** How a body is encoded, as far as lock rewriting is concerned. */
export type BodyFormat = 'json' | 'protobuf';

/**
 * The format of a body from its `Content-Type` (parameters such as `;stream=watch` or `;charset=`
 * ignored). JSON covers the patch types (`merge-patch+json`, `strategic-merge-patch+json`) and
 * server-side apply, whose YAML is JSON when client-go sends it; a body in any other format
 * (YAML, CBOR) is `undefined` and passes through untouched.
 */
export const bodyFormat = (contentType: string | undefined): BodyFormat | undefined => {
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (essence === 'application/vnd.kubernetes.protobuf') return 'protobuf';
  if (essence === 'application/json' || essence.endsWith('+json')) return 'json';
  if (essence === 'application/apply-patch+yaml') return 'json';
  return undefined;
};
