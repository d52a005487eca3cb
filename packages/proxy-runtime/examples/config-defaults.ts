import { defineProxyConfig } from '@ctrlmesh/proxy-runtime';

// Only the pod and the apiserver are required; every other setting has its default in the schema.
const config = defineProxyConfig({
  pod: { name: 'sample-0', namespace: 'apps', labels: { app: 'sample', version: 'v2' } },
  upstream: {
    url: 'https://10.96.0.1:443',
    caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
  },
  routes: {
    virtualAppFile: '/etc/ctrlmesh/virtualapp.yaml',
    stateFile: '/var/run/ctrlmesh/routes.json',
  },
});

console.log(`listen ${config.listen.host}:${config.listen.port} tls=${config.listen.tls.mode}`);
console.log(`admin ${config.admin.host}:${config.admin.port}`);
console.log(`verify apiserver: ${!config.upstream.insecureSkipTlsVerify}`);
console.log(
  `max frame ${config.limits.maxFrameBytes} bytes, drain ${config.shutdown.drainTimeoutMs} ms`,
);

// Output:
// listen 127.0.0.1:5443 tls=none
// admin 127.0.0.1:5441
// verify apiserver: true
// max frame 16777216 bytes, drain 30000 ms
