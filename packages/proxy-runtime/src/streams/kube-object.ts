/** The part of a Kubernetes object the proxy decides on. */
export interface KubeObject {
  readonly kind?: string;
  readonly apiVersion?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly resourceVersion?: string;
  };
}

/**
 * Whether this pod may see an object. Usually synchronous; a promise when something must be fetched
 * first (a namespace's labels the proxy has not seen yet).
 */
export type ObjectVerdict = (object: KubeObject) => boolean | Promise<boolean>;

/** The identity of an object within one list or watch: `namespace/name` (or `name`). */
export const objectKey = (object: KubeObject): string => {
  const meta = object.metadata ?? {};
  return meta.namespace ? `${meta.namespace}/${meta.name ?? ''}` : (meta.name ?? '');
};
