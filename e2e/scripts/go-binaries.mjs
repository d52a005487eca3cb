// The Go binaries the e2e tests need. prepare-binaries.mjs builds each one when its inputs changed.
//
// A binary is `{ name, dir, output, tags?, ldflags?(dir), coldBuild? }`: `dir` is its Go module
// (relative to e2e/), `output` the binary (relative to `dir`, under a git-ignored bin/), `ldflags`
// returns extra -ldflags after "-s -w", `coldBuild` says how long a first build takes, for people
// waiting on it (`npm run demo` on a fresh clone). Inputs are the module's go.mod, go.sum and *.go
// files plus the build flags and the Go version, so adding an entry here is all it takes to build a
// new binary.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Reads the version `module` is required at in `dir`/go.mod. */
function requiredVersion(dir, module) {
  const gomod = readFileSync(path.join(dir, 'go.mod'), 'utf8');
  const escaped = module.replaceAll('.', '\\.');
  const match = gomod.match(new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm'));
  if (!match) throw new Error(`${dir}/go.mod does not require ${module}`);
  return match[1];
}

/**
 * Stamps k8s.io/component-base/version the way Kubernetes' release build does, so /version and
 * the server's binary version report the release we built instead of v0.0.0-master.
 */
function kubernetesVersionFlags(dir) {
  const kubeVersion = requiredVersion(dir, 'k8s.io/kubernetes');
  const [, major, minor] = kubeVersion.match(/^v(\d+)\.(\d+)\./) ?? [];
  const pkg = 'k8s.io/component-base/version';
  return [
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitVersion=${kubeVersion}`,
    `-X ${pkg}.gitTreeState=clean`,
  ];
}

/** Every Go binary the e2e suite builds. */
export const goBinaries = [
  {
    name: 'kas',
    dir: 'kube-apiserver',
    output: 'bin/kas',
    // grpcnotrace drops grpc's x/net/trace debug pages, which nothing here serves.
    tags: ['grpcnotrace'],
    ldflags: kubernetesVersionFlags,
    // Measured in e2e/README.md: 5 min 10 s with a filled module cache, 7 min from nothing.
    coldBuild: 'about 5 to 7 minutes on 2 cores; later runs reuse it',
  },
  {
    // The controller-runtime sample controller (e2e/controllers/README.md).
    name: 'go-sample',
    dir: 'controllers/go-sample',
    output: 'bin/go-sample',
  },
  {
    // `kustomize build` from kustomize's own library, to render deploy/ (deploy/README.md).
    name: 'kustomize-render',
    dir: 'kustomize-render',
    output: 'bin/kustomize-render',
    coldBuild: 'about a minute: kustomize/api and kyaml',
  },
  {
    // The bare Go reverse proxy the GET floor benchmark measures (e2e/bench/README.md).
    name: 'go-reverse-proxy',
    dir: 'bench/floor/go-reverse-proxy',
    output: 'bin/go-reverse-proxy',
    coldBuild: 'a few seconds, standard library only',
  },
];
