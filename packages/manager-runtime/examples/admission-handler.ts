import { request } from 'node:https';
import {
  type AdmissionHandler,
  createAdmissionServer,
  createCertificateAuthority,
  createLogger,
  issueServingCertificate,
  VALIDATE_VIRTUAL_APP_PATH,
  validateVirtualApp,
} from '@ctrlmesh/manager-runtime';

// A handler: the request in, a decision out; a patch is sent as base64 JSONPatch.
const annotatePod: AdmissionHandler = (incoming) =>
  incoming.operation === 'CREATE'
    ? {
        allowed: true,
        patch: [
          { op: 'add', path: '/metadata/annotations', value: { 'ctrlmesh.io/injected': 'true' } },
        ],
      }
    : { allowed: true };

// Registered by path, next to one of the manager's own (in the manager: managerAdmissionHandlers).
const handlers = { [VALIDATE_VIRTUAL_APP_PATH]: validateVirtualApp, '/annotate-pod': annotatePod };
console.log(Object.keys(handlers).join(' '));
// => /validate-virtualapp /annotate-pod

const ca = createCertificateAuthority(Date.now(), 3_600_000);
const server = createAdmissionServer({ handlers, log: createLogger('error', () => undefined) });
server.setCertificate(issueServingCertificate(ca, ['127.0.0.1'], Date.now(), 3_600_000));
const { port } = await server.listen(0, '127.0.0.1');

// What the apiserver does: POST an AdmissionReview, trusting the CA (the caBundle).
const review = (path: string, object: unknown) =>
  new Promise<string>((resolve, reject) => {
    const body = JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'b0d5',
        kind: { group: 'ctrlmesh.io', version: 'v1alpha1', kind: 'VirtualApp' },
        resource: { group: 'ctrlmesh.io', version: 'v1alpha1', resource: 'virtualapps' },
        name: 'web',
        namespace: 'operators',
        operation: 'CREATE',
        object,
      },
    });
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', ca: ca.certPem },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const denied = JSON.parse(
  await review('/validate-virtualapp', {
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'VirtualApp',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
    },
  }),
);
console.log(denied.response.allowed, denied.response.status.message);
// => false VirtualApp "web" is invalid: spec.subsets[0].routeRules[0]: unknown sub-rule "canary"
const injected = JSON.parse(await review('/annotate-pod', { metadata: { name: 'web-0' } }));
console.log(injected.response.patchType, Buffer.from(injected.response.patch, 'base64').toString());
// => JSONPatch [{"op":"add","path":"/metadata/annotations","value":{"ctrlmesh.io/injected":"true"}}]
await server.close();
