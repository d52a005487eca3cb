/**
 * Name of the default subset: the pods that match no subset's labels, and the owner of every
 * target no subset claims (DESIGN §4.4). Subset names must be DNS labels, and a DNS label cannot
 * contain parentheses, so this name can never collide with a declared subset. The original used
 * `""`, which is falsy in JavaScript and easy to confuse with "unset".
 */
export const DEFAULT_SUBSET = '(default)';
