import { createRateLimiter, createTokenBucket, tryAcquireAll } from '@ctrlmesh/traffic-policy';

// 2 requests per second, bursts of 3. Time is handed in (milliseconds); nothing reads a clock.
const bucket = createTokenBucket({ qps: 2, burst: 3 });
console.log(JSON.stringify([0, 0, 0, 0].map((now) => bucket.tryAcquire(now).admitted)));
console.log(JSON.stringify(bucket.tryAcquire(100)));
// The rejections above took nothing: the next token is there at 500 ms, as if they never happened.
console.log(bucket.tryAcquire(500).admitted);

// A rule with a cap on requests in flight as well. A watch gives its slot back once it is open.
const writes = createRateLimiter({ qps: 10, maxInFlight: 1 });
const everything = createRateLimiter({ qps: 100, burst: 100 });
const first = tryAcquireAll([writes, everything], 0);
const second = tryAcquireAll([writes, everything], 0);
console.log(first.admitted, JSON.stringify(second));
console.log(everything.bucket?.tokens(0)); // the refused request took no token from any rule
if (first.admitted) first.release();
console.log(tryAcquireAll([writes, everything], 0).admitted);

// Output:
// [true,true,true,false]
// {"admitted":false,"retryAfterSeconds":1}
// true
// true {"admitted":false,"reason":"TooManyInFlight","retryAfterSeconds":1}
// 99
// true
