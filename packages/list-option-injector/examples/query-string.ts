import {
  formatQueryString,
  parseQueryString,
  readParameter,
  setParameter,
} from '@ctrlmesh/list-option-injector';

// A query as a client wrote it: a bare flag, an unencoded `=` inside a value, a repeated key.
const raw = 'pretty&fieldSelector=metadata.name=foo&labelSelector=app%3Dweb&labelSelector=x';
const query = parseQueryString(raw);

console.log(formatQueryString(query) === raw); // => true
// What the apiserver reads: Go's url.ParseQuery, first value of a repeated key.
console.log(readParameter(query, 'labelSelector')); // => app=web
console.log(readParameter(query, 'fieldSelector')); // => metadata.name=foo

// Setting a value encodes it as client-go does and drops the ignored repeat.
const next = setParameter(query, 'labelSelector', 'app=web,shard in (a)');
console.log(formatQueryString(next));
// => pretty&fieldSelector=metadata.name=foo&labelSelector=app%3Dweb%2Cshard+in+%28a%29
