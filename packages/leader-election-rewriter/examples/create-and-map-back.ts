import { createLockRewriter } from '@ctrlmesh/leader-election-rewriter';

const rewriter = createLockRewriter({ lockName: 'my-controller', subset: 'shard-a' });
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// A create names the lock only in its body.
const create = rewriter.rewriteRequest({
  method: 'POST',
  url: '/apis/coordination.k8s.io/v1/namespaces/ops/leases',
  contentType: 'application/json',
  body: encoder.encode('{"metadata":{"name":"my-controller","namespace":"ops"},"spec":{}}'),
});
console.log(decoder.decode(create.body));
// => {"metadata":{"name":"my-controller---shard-a","namespace":"ops"},"spec":{}}

// The proxy maps the apiserver's answers back, so the controller sees the name it asked for.
if (create.rewritten) {
  const conflict = encoder.encode(
    '{"kind":"Status","message":"leases.coordination.k8s.io \\"my-controller---shard-a\\" already exists","reason":"AlreadyExists","details":{"name":"my-controller---shard-a"},"code":409}',
  );
  console.log(decoder.decode(create.response.mapBody('application/json', conflict)));
  // => {"kind":"Status","message":"leases.coordination.k8s.io \"my-controller\" already exists","reason":"AlreadyExists","details":{"name":"my-controller"},"code":409}
}

// Creates of other objects keep their body: the very same bytes are forwarded.
const body = encoder.encode('{"metadata":{"name":"settings"}}');
const other = rewriter.rewriteRequest({
  method: 'POST',
  url: '/api/v1/namespaces/ops/configmaps',
  contentType: 'application/json',
  body,
});
console.log(other.body === body); // => true
