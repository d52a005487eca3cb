export {
  type Injected,
  type InjectionOptions,
  injectListOptions,
  type ListOptionsInjection,
  type ListRequest,
  type ListScope,
} from './inject-list-options.js';
export { type ListOptions, readListOptions } from './list-options.js';
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
