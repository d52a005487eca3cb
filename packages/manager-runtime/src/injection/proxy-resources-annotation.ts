import { type ProxyResources, ProxyResourcesSchema } from './injection-settings.js';
import { PROXY_RESOURCES_ANNOTATION } from './pod-layout.js';

/** The annotation read: the resources it asks for, or why it cannot be used. */
export type AnnotationResult =
  | { readonly ok: true; readonly resources: ProxyResources | undefined }
  | { readonly ok: false; readonly message: string };

/**
 * Reads `ctrlmesh.io/proxy-resources` (JSON: `{"requests":{"cpu":"100m","memory":"64Mi"},
 * "limits":{"memory":"128Mi"}}`). Absent: `undefined` (the settings' resources apply).
 */
export const proxyResourcesOf = (
  annotations: Readonly<Record<string, string>> | undefined,
): AnnotationResult => {
  const text = annotations?.[PROXY_RESOURCES_ANNOTATION];
  if (text === undefined) return { ok: true, resources: undefined };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      message: `annotation ${PROXY_RESOURCES_ANNOTATION} is not JSON: ${(error as Error).message}`,
    };
  }
  const parsed = ProxyResourcesSchema.safeParse(json);
  if (parsed.success) return { ok: true, resources: parsed.data };
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`,
  );
  return {
    ok: false,
    message: `annotation ${PROXY_RESOURCES_ANNOTATION} is invalid: ${problems.join('; ')}`,
  };
};
