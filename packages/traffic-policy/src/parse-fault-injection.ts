import type { ParseResult } from '@ctrlmesh/route-engine';
import { FAULT_KINDS, type FaultInjection, FaultInjectionSchema } from './fault-injection.js';
import {
  field,
  isNumber,
  isRecord,
  isString,
  list,
  type Path,
  problemCollector,
  type Report,
  zodProblems,
} from './raw-input.js';
import { checkNamedRules, checkTargets } from './rule-problems.js';
import { defaultReasonFor, STATUS_REASON_CODES, type StatusReason } from './status-reason.js';
import { parseTimestamp } from './time-window.js';

const ADMISSION_VERBS: ReadonlySet<string> = new Set(['create', 'update', 'delete', '*']);

const checkDelay = (delay: unknown, path: Path, report: Report): void => {
  if (!isRecord(delay)) return;
  const { milliseconds, minMilliseconds, maxMilliseconds } = delay;
  const ranged = minMilliseconds !== undefined || maxMilliseconds !== undefined;
  if (milliseconds !== undefined && ranged) {
    report(path, 'set milliseconds, or minMilliseconds and maxMilliseconds, not both');
  } else if (milliseconds === undefined && !ranged) {
    report(path, 'set milliseconds, or minMilliseconds and maxMilliseconds');
  } else if (ranged && (minMilliseconds === undefined || maxMilliseconds === undefined)) {
    report(path, 'a ranged delay needs both minMilliseconds and maxMilliseconds');
  } else if (
    isNumber(minMilliseconds) &&
    isNumber(maxMilliseconds) &&
    minMilliseconds > maxMilliseconds
  ) {
    report(
      path,
      `minMilliseconds ${minMilliseconds} is more than maxMilliseconds ${maxMilliseconds}`,
    );
  }
};

const checkAbort = (abort: unknown, path: Path, report: Report): void => {
  const code = field(abort, 'code');
  const reason = field(abort, 'reason');
  if (!isNumber(code)) return;
  if (isString(reason) && Object.hasOwn(STATUS_REASON_CODES, reason)) {
    const expected = STATUS_REASON_CODES[reason as StatusReason];
    if (expected !== code) {
      report(
        [...path, 'reason'],
        `reason ${reason} goes with code ${expected}, not ${code}; clients read the two differently`,
      );
    }
  } else if (reason === undefined && defaultReasonFor(code) === undefined) {
    report([...path, 'reason'], `code ${code} has no standard reason; set reason`);
  }
};

const checkWindows = (windows: unknown, path: Path, report: Report): void => {
  list(windows).forEach((window, index) => {
    if (!isRecord(window)) return;
    const windowPath = [...path, index];
    const bounds: Record<string, number | undefined> = {};
    for (const key of ['start', 'end'] as const) {
      const value = window[key];
      if (!isString(value)) continue;
      bounds[key] = parseTimestamp(value);
      if (bounds[key] === undefined) {
        report([...windowPath, key], `"${value}" is not an RFC 3339 time (2026-12-04T17:00:00Z)`);
      }
    }
    if (window.start === undefined && window.end === undefined) {
      report(windowPath, 'a window needs start, end or both');
    }
    if (bounds.start !== undefined && bounds.end !== undefined && bounds.start >= bounds.end) {
      report(windowPath, 'start must be before end');
    }
  });
};

const checkAdmissionMatch = (match: unknown, path: Path, report: Report): void => {
  list(match).forEach((rule, index) => {
    const rulePath = [...path, 'match', index];
    if (field(rule, 'nonResourcePaths') !== undefined) {
      report(
        [...rulePath, 'nonResourcePaths'],
        'admission reviews are about resources; nonResourcePaths never match',
      );
    }
    list(field(rule, 'verbs')).forEach((verb, verbIndex) => {
      if (isString(verb) && !ADMISSION_VERBS.has(verb)) {
        report(
          [...rulePath, 'verbs', verbIndex],
          `admission reviews are only create, update and delete, not ${verb}`,
        );
      }
    });
  });
};

const checkFault = (fault: Record<string, unknown>, path: Path, report: Report): void => {
  const kinds = FAULT_KINDS.filter((kind) => fault[kind] !== undefined);
  if (kinds.length !== 1) {
    report(
      path,
      `set exactly one of ${FAULT_KINDS.join(', ')}${kinds.length > 1 ? ` (found ${kinds.join(', ')})` : ''}`,
    );
  }
  checkDelay(fault.delay, [...path, 'delay'], report);
  checkAbort(fault.abort, [...path, 'abort'], report);
  checkWindows(fault.windows, [...path, 'windows'], report);
  if (Array.isArray(fault.windows) && fault.windows.length === 0) {
    report([...path, 'windows'], 'windows must not be empty; leave it out to fire at any time');
  }
  const watch = fault.watch;
  if (isRecord(watch)) {
    if (watch.afterEvents === undefined && watch.afterSeconds === undefined) {
      report([...path, 'watch'], 'set afterEvents, afterSeconds or both');
    }
  }
  const slowList = fault.slowList;
  if (
    isRecord(slowList) &&
    slowList.milliseconds === undefined &&
    slowList.perItemMilliseconds === undefined
  ) {
    report([...path, 'slowList'], 'set milliseconds, perItemMilliseconds or both');
  }
  const admission = fault.admission;
  if (isRecord(admission)) {
    if ((admission.delay === undefined) === (admission.deny === undefined)) {
      report([...path, 'admission'], 'set exactly one of delay, deny');
    }
    checkDelay(admission.delay, [...path, 'admission', 'delay'], report);
    checkAdmissionMatch(fault.match, path, report);
  }
};

/**
 * Parses and validates a FaultInjection, returning the typed value (defaults applied) or every
 * problem at once, each with its path (`spec.faults[1]: set exactly one of delay, abort, ...`).
 */
export const parseFaultInjection = (input: unknown): ParseResult<FaultInjection> => {
  const { problems, report } = problemCollector();
  const structural = FaultInjectionSchema.safeParse(input);
  if (!structural.success) problems.push(...zodProblems(structural.error));
  const spec = field(input, 'spec');
  checkTargets(spec, report);
  checkNamedRules(field(spec, 'faults'), ['spec', 'faults'], report, (fault, path) =>
    checkFault(fault, path, report),
  );
  if (problems.length > 0 || !structural.success) return { ok: false, problems };
  return { ok: true, value: structural.data };
};
