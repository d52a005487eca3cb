import { createLockRewriter } from '@ctrlmesh/leader-election-rewriter';
import { DEFAULT_SUBSET } from '@ctrlmesh/route-engine';

// Pods of the default subset keep the configured lock: nothing is rewritten.
const rewriter = createLockRewriter({ lockName: 'my-controller', subset: DEFAULT_SUBSET });
console.log(rewriter.subsetLockName); // => my-controller

const url = '/apis/coordination.k8s.io/v1/namespaces/ops/leases/my-controller';
const result = rewriter.rewriteRequest({ method: 'PUT', url });
console.log(result.rewritten, result.url === url); // => false true
