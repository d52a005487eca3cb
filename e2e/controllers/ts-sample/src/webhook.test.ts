import { describe, expect, it } from 'vitest';
import { ADMITTED_BY, admit } from './webhook.js';

const review = (operation: string, object: unknown) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'uid-1', operation, object },
});

/** Applies the "add" operations of a JSONPatch the way the apiserver would for these paths. */
function applyPatch(
  object: { metadata: Record<string, unknown> },
  reply: ReturnType<typeof admit>,
) {
  const response = (reply.body as { response: { patch?: string } }).response;
  const operations = JSON.parse(
    Buffer.from(response.patch ?? 'W10=', 'base64').toString('utf8'),
  ) as {
    op: string;
    path: string;
    value: unknown;
  }[];
  const result = structuredClone(object);
  for (const { op, path, value } of operations) {
    expect(op).toBe('add');
    const tokens = path
      .split('/')
      .slice(1)
      .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
    let parent: Record<string, unknown> = result;
    for (const token of tokens.slice(0, -1)) parent = parent[token] as Record<string, unknown>;
    parent[tokens.at(-1)!] = value;
  }
  return result;
}

describe('admit', () => {
  it('adds the annotations map when the object has none', () => {
    const object = { metadata: { name: 'a' } };
    const reply = admit(review('CREATE', object), 'p-0');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'uid-1', allowed: true, patchType: 'JSONPatch' },
    });
    expect(applyPatch(object, reply).metadata.annotations).toEqual({ [ADMITTED_BY]: 'p-0' });
  });

  it('adds one annotation and keeps the others', () => {
    const object = { metadata: { name: 'a', annotations: { keep: 'me' } } };
    const patched = applyPatch(object, admit(review('UPDATE', object), 'p-1'));
    expect(patched.metadata.annotations).toEqual({ keep: 'me', [ADMITTED_BY]: 'p-1' });
  });

  it('allows without a patch when the annotation is already there', () => {
    const object = { metadata: { annotations: { [ADMITTED_BY]: 'p-0' } } };
    expect(admit(review('UPDATE', object), 'p-0').body).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'uid-1', allowed: true },
    });
  });

  it('allows DELETE without a patch', () => {
    const reply = admit(review('DELETE', null), 'p-0');
    expect((reply.body as { response: object }).response).toEqual({ uid: 'uid-1', allowed: true });
  });

  it('answers 400 to a body that is not an AdmissionReview', () => {
    expect(admit({ kind: 'ConfigMap' }, 'p-0')).toEqual({
      status: 400,
      body: { message: 'expected an admission.k8s.io/v1 AdmissionReview with request.uid' },
    });
    expect(admit(null, 'p-0').status).toBe(400);
  });
});
