import { parseDuration } from '@ctrlmesh/runtime-support';

for (const flag of ['15s', '1m30s', '500ms', '0', '30', '1d'])
  console.log(flag, parseDuration(flag) ?? 'not a duration');

// Output:
// 15s 15000
// 1m30s 90000
// 500ms 500
// 0 0
// 30 not a duration
// 1d not a duration
