import { createLockRewriter } from '@ctrlmesh/leader-election-rewriter';

// The canary subset of a controller whose lock lives in a namespace of the same name.
const rewriter = createLockRewriter({
  lockName: 'cafeextcontroller',
  subset: 'canary',
  namespace: 'cafeextcontroller',
});
console.log(rewriter.subsetLockName); // => cafeextcontroller---canary

// Only the name segment changes, never the namespace (the original's issue #2).
const get = rewriter.rewriteRequest({
  method: 'GET',
  url: '/api/v1/namespaces/cafeextcontroller/configmaps/cafeextcontroller',
});
console.log(get.url);
// => /api/v1/namespaces/cafeextcontroller/configmaps/cafeextcontroller---canary

// client-go watches its lock by field selector; the rest of the query keeps its bytes.
const watch = rewriter.rewriteRequest({
  method: 'GET',
  url: '/apis/coordination.k8s.io/v1/namespaces/cafeextcontroller/leases?fieldSelector=metadata.name%3Dcafeextcontroller&watch=true',
});
console.log(watch.url);
// => /apis/coordination.k8s.io/v1/namespaces/cafeextcontroller/leases?fieldSelector=metadata.name%3Dcafeextcontroller---canary&watch=true

// A name that is already suffixed, or any other name, is left alone.
const again = rewriter.rewriteRequest({
  method: 'GET',
  url: '/apis/coordination.k8s.io/v1/namespaces/cafeextcontroller/leases/cafeextcontroller---canary',
});
console.log(again.rewritten); // => false
