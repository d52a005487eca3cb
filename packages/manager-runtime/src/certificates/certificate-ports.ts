/** The webhook Secret as last seen: its data (decoded text) and the resourceVersion to write on. */
export interface StoredSecret {
  readonly data: Readonly<Record<string, string>>;
  readonly resourceVersion: string;
}

/** Thrown by {@link CertificateSecretStore.write} when the Secret changed since it was read. */
export class SecretConflict extends Error {
  constructor(name: string) {
    super(`Secret ${name} changed since it was read`);
    this.name = 'SecretConflict';
  }
}

/** The Secret that keeps the webhook certificates; every replica watches it. */
export interface CertificateSecretStore {
  /** The Secret as the watch last saw it, or `undefined` when there is none (yet). */
  current(): StoredSecret | undefined;
  /**
   * Creates the Secret (no `resourceVersion`) or replaces it, guarded by `resourceVersion`: throws
   * {@link SecretConflict} when someone else wrote first. Returns what was stored.
   */
  write(data: Record<string, string>, resourceVersion: string | undefined): Promise<StoredSecret>;
}

/** The webhook configurations whose `caBundle` must trust the served certificate. */
export interface CaBundleTarget {
  /**
   * Sets `clientConfig.caBundle` of every webhook in the configurations to `pem` where it differs;
   * a configuration that does not exist (not installed yet) is skipped. Returns what it changed.
   */
  ensure(pem: string): Promise<readonly string[]>;
}
