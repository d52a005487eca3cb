import type { V1Status } from '@kubernetes/client-node';

/**
 * Awaits a client-node call that must fail and returns its HTTP code and `metav1.Status` body
 * (client-node rejects with an ApiException carrying both). Throws when the call succeeds.
 */
export async function statusOf(
  call: Promise<unknown>,
): Promise<{ code: number; status: V1Status }> {
  try {
    await call;
  } catch (error) {
    const { code, body } = error as { code: number; body: string };
    return { code, status: JSON.parse(body) as V1Status };
  }
  throw new Error('expected the call to fail');
}
