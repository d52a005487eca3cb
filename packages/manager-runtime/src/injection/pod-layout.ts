/** The injected sidecar's container name; a pod that has it is left alone (idempotence). */
export const PROXY_CONTAINER = 'ctrlmesh-proxy';

/** Pod or namespace label that opts a pod in (`enabled`); on the pod, any other value opts out. */
export const INJECT_LABEL = 'ctrlmesh.io/inject';

/** The value of {@link INJECT_LABEL} that opts in. */
export const INJECT_ENABLED = 'enabled';

/** Pod annotation: the proxy's resources as JSON (`{"requests":{"cpu":"100m"}}`). */
export const PROXY_RESOURCES_ANNOTATION = 'ctrlmesh.io/proxy-resources';

/** The readiness gate the proxy reports on its own pod (DESIGN §6). */
export const ROUTES_APPLIED_GATE = 'ctrlmesh.io/RoutesApplied';

/** Where client-go, client-node, fabric8 and the Python client look for in-cluster credentials. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Where the pod's projected token (with the apiserver's CA and the namespace) is mounted. */
export const TOKEN_DIR = '/var/run/secrets/ctrlmesh.io/serviceaccount';

/** The shared emptyDir in the proxy: it writes `ca.crt` and links `token`, `namespace` here. */
export const PROXY_SERVICE_ACCOUNT_DIR = '/var/run/ctrlmesh/serviceaccount';

/** The downward API volume with the pod's labels (they decide its subset); every volume injection adds
 * is mounted under /var/run/ctrlmesh (or /var/run/secrets), run-time state only. */
export const PODINFO_DIR = '/var/run/ctrlmesh/podinfo';

/**
 * The proxy-only emptyDir that keeps, across proxy restarts, the last known routes and the serving
 * certificate with its private key (so no app container mounts it).
 */
export const STATE_DIR = '/var/run/ctrlmesh/state';

/** The volumes injection adds, by name. */
export const VOLUMES = {
  token: 'ctrlmesh-token',
  serviceAccount: 'ctrlmesh-serviceaccount',
  podinfo: 'ctrlmesh-podinfo',
  state: 'ctrlmesh-state',
} as const;

/** glibc's mmap threshold the proxy README (Memory) recommends; glibc reads it before main. */
export const MALLOC_MMAP_THRESHOLD = '131072';
