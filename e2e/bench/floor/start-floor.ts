import path from 'node:path';
import { issueWebhookCertificate } from '../../support/webhook-certificate.js';
import { type HelperProcess, startBinaryHelper, startHelper } from '../helper-process.js';

/**
 * Which floor: `node` is bare-pass-through.mjs (Node's HTTP server, undici), `relay` is
 * bytes-relay.mjs (sockets only, GETs only), `go` is go-reverse-proxy
 * (net/http/httputil.ReverseProxy). All take the same arguments and speak HTTP/1.1 both ways.
 */
export type FloorKind = 'node' | 'relay' | 'go';

const NODE_FLOORS: Record<Exclude<FloorKind, 'go'>, string> = {
  node: 'floor/bare-pass-through.mjs',
  relay: 'floor/bytes-relay.mjs',
};

/** The Go floor's binary, built by `npm run e2e:prepare` (e2e/scripts/go-binaries.mjs). */
export const goReverseProxyBinary = path.join(
  import.meta.dirname,
  'go-reverse-proxy/bin/go-reverse-proxy',
);

/** Where a floor forwards to and how it serves. */
export interface FloorOptions {
  readonly kind: FloorKind;
  /** The apiserver's URL and the CA file its certificate is verified with. */
  readonly apiserver: string;
  readonly apiserverCaFile: string;
  /** A directory of the caller's for the port file and the serving certificate. */
  readonly dir: string;
  /** Plain HTTP on loopback instead of HTTPS. */
  readonly plain: boolean;
  /** Node flags, for the Node.js floor only. */
  readonly nodeArgs?: readonly string[];
  readonly env?: Record<string, string>;
}

/** A running floor, its origin, and the CA its serving certificate chains to (none over HTTP). */
export interface Floor extends HelperProcess {
  readonly origin: string;
  readonly caPem: string | undefined;
}

/**
 * Starts a floor in front of the apiserver, over HTTPS with a certificate for 127.0.0.1 issued by
 * `kas webhook-cert` into a directory of its own, or over plain HTTP; resolves once it listens.
 */
export const startFloor = async (options: FloorOptions): Promise<Floor> => {
  const { kind, dir, plain } = options;
  const name = `${kind}-floor${plain ? '-plain' : ''}`;
  const certDir = path.join(dir, name);
  const certificate = plain ? undefined : await issueWebhookCertificate(certDir, ['127.0.0.1']);
  const args = [
    options.apiserver,
    options.apiserverCaFile,
    ...(plain ? [] : [path.join(certDir, 'tls.crt'), path.join(certDir, 'tls.key')]),
  ];
  const portFile = path.join(dir, `${name}.port`);
  const helper =
    kind !== 'go'
      ? await startHelper(NODE_FLOORS[kind], args, portFile, {
          nodeArgs: options.nodeArgs,
          env: options.env,
        })
      : await startBinaryHelper(goReverseProxyBinary, args, portFile, {
          buildHint: 'npm run e2e:prepare',
          env: options.env,
        });
  return {
    ...helper,
    origin: `${plain ? 'http' : 'https'}://127.0.0.1:${helper.port}`,
    caPem: certificate?.caPem,
  };
};
