export {
  escapeQueryComponent,
  formatQueryString,
  isReadableByApiserver,
  MAX_QUERY_PARAMETERS,
  parseQueryString,
  type QueryParameter,
  type QueryString,
  readParameter,
  setParameter,
  unescapeQueryComponent,
} from './query-string.js';
