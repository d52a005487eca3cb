import { readFile } from 'node:fs/promises';

/** A static bearer-token identity that kas created, with a kubeconfig of its own. */
export interface TokenUser {
  name: string;
  token: string;
  groups: string[];
  kubeconfig: string;
}

/** What kas writes to its ready file once `/readyz` answers 200 (see kube-apiserver/ready.go). */
export interface KasReadyFile {
  url: string;
  caFile: string;
  version: string;
  pid: number;
  dir: string;
  auditLog: string;
  startedAt: string;
  readyAt: string;
  /** In `system:masters`, so cluster-admin through RBAC's bootstrap policy. */
  admin: TokenUser;
  /** Non-admin users in group `e2e:users`: RBAC denies them everything not granted. */
  users: TokenUser[];
}

function isTokenUser(value: unknown): value is TokenUser {
  const user = value as TokenUser;
  return (
    typeof user?.name === 'string' &&
    typeof user.token === 'string' &&
    Array.isArray(user.groups) &&
    typeof user.kubeconfig === 'string'
  );
}

/** Parses a ready file; the problem says which field is missing so a kas/harness mismatch is obvious. */
export function parseReadyFile(
  text: string,
): { ok: true; value: KasReadyFile } | { ok: false; problem: string } {
  let value: KasReadyFile;
  try {
    value = JSON.parse(text) as KasReadyFile;
  } catch (error) {
    return { ok: false, problem: `not JSON: ${(error as Error).message}` };
  }
  for (const field of ['url', 'caFile', 'version', 'dir', 'auditLog'] as const) {
    if (typeof value[field] !== 'string')
      return { ok: false, problem: `"${field}" is not a string` };
  }
  if (!isTokenUser(value.admin)) return { ok: false, problem: '"admin" is not a token user' };
  if (!Array.isArray(value.users) || !value.users.every(isTokenUser)) {
    return { ok: false, problem: '"users" is not a list of token users' };
  }
  return { ok: true, value };
}

/** Reads and parses the ready file at `path`. */
export async function readReadyFile(path: string): Promise<KasReadyFile> {
  const parsed = parseReadyFile(await readFile(path, 'utf8'));
  if (!parsed.ok) throw new Error(`kas ready file ${path}: ${parsed.problem}`);
  return parsed.value;
}
