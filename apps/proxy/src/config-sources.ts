import type { z } from 'zod';
import { configInput, type FlagValues, OPTIONS } from './flags.js';

// Which flags and environment variables set which schema path is not written down a second time:
// it is found by running configInput with a distinct marker in every flag or variable and seeing
// where each marker lands. Markers are digits so that numeric flags keep them through Number().
const markers = () => {
  const names = new Map<string, string>();
  return {
    names,
    mark: (name: string) => {
      const marker = String(700_000_000 + names.size);
      names.set(marker, name);
      return marker;
    },
  };
};

// A file a flag names reads, while probing, as a kubeconfig whose server and CA are that file's
// name (its marker); read as a labels file, its lines become label keys holding the marker.
const probeFile = (marker: string) =>
  [
    'current-context: probe',
    'contexts: [{name: probe, context: {cluster: probe}}]',
    `clusters: [{name: probe, cluster: {server: "https://${marker}", certificate-authority: "${marker}"}}]`,
  ].join('\n');

// Records under each path of a raw config the names whose marker is in its value or its keys.
const landings = (
  value: unknown,
  path: string,
  names: ReadonlyMap<string, string>,
  into: Map<string, Set<string>>,
): void => {
  const found = (text: string) => {
    for (const [marker, name] of names) {
      if (text.includes(marker)) into.set(path, (into.get(path) ?? new Set()).add(name));
    }
  };
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      found(key); // a label key: the flag sets the map
      landings(child, path === '' ? key : `${path}.${key}`, names, into);
    }
  } else if (value !== undefined) found(String(value));
};

/**
 * Schema path (`pod.name`) -> the flags (`--pod-name`) and environment variables (`POD_NAME`) that
 * set it, flags first.
 */
export const configSources = (): ReadonlyMap<string, readonly string[]> => {
  const into = new Map<string, Set<string>>();
  const stringFlags = Object.entries(OPTIONS)
    .filter(([, option]) => option.type === 'string')
    .map(([name]) => name);
  const switches = Object.fromEntries(
    Object.entries(OPTIONS)
      .filter(([, option]) => option.type === 'boolean')
      .map(([name]) => [name, true]),
  );
  const probeFlags = (flags: readonly string[]) => {
    const { names, mark } = markers();
    const values = Object.fromEntries(flags.map((flag) => [flag, mark(`--${flag}`)]));
    const input = configInput({ ...switches, ...values } as FlagValues, {}, probeFile);
    landings(input, '', names, into);
  };
  // All at once reaches what needs another flag (the webhook's); each alone, what another hides
  // (--kubeconfig's server behind --upstream's).
  probeFlags(stringFlags);
  for (const flag of stringFlags) probeFlags([flag]);
  // Every variable configInput reads gets its own marker.
  const { names, mark } = markers();
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get: (_, key) => (typeof key === 'string' ? mark(key) : undefined),
  });
  landings(configInput({}, env, probeFile), '', names, into);
  return new Map([...into].map(([path, sources]) => [path, [...sources]]));
};

/**
 * Each problem on a line, led by the flags and environment variables that set its path:
 * `✖ --pod-name / POD_NAME (pod.name): Invalid input: ...`.
 */
export const describeConfigProblems = (issues: z.ZodError['issues']): string => {
  const sources = configSources();
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      if (path === '') return `✖ ${issue.message}`;
      // A problem inside a map (a label) or over a whole object is set by the same flags.
      const setBy = [...sources]
        .filter(([p]) => p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`))
        .flatMap(([, names]) => names);
      const unique = [...new Set(setBy)];
      return unique.length === 0
        ? `✖ ${path}: ${issue.message}`
        : `✖ ${unique.join(' / ')} (${path}): ${issue.message}`;
    })
    .join('\n');
};
