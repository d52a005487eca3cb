import {
  type LabelOperator,
  type LabelRequirement,
  type LabelSelector,
  labelRequirement,
  selectorOf,
} from './label-selector.js';
import { failure, type ParseResult, success } from './problem.js';

// A port of the behaviour of Kubernetes' labels.Parse (apimachinery/pkg/labels/selector.go):
// a byte lexer where `=`, `!`, `(`, `)`, `,`, `>`, `<` are symbols (longest known symbol wins),
// identifiers run until whitespace or a symbol, `in`/`notin` are keywords only where an
// operator is expected, and a NUL byte read where a token starts ends the input.

type Token =
  | 'end'
  | 'identifier'
  | 'in'
  | 'notin'
  | '('
  | ')'
  | ','
  | '!'
  | '='
  | '=='
  | '!='
  | '>'
  | '<'
  | 'error';

interface Scanned {
  readonly token: Token;
  readonly literal: string;
}

const SYMBOLS: ReadonlySet<string> = new Set(['=', '!', '(', ')', ',', '>', '<']);
const SYMBOL_TOKENS: ReadonlySet<string> = new Set(['(', ')', ',', '!', '=', '==', '!=', '>', '<']);
const WHITESPACE: ReadonlySet<string> = new Set([' ', '\t', '\r', '\n']);
const END = '\0';

const scan = (input: string): Scanned[] => {
  let pos = 0;
  const read = (): string => (pos < input.length ? input[pos++]! : END);
  const unread = (): void => {
    pos--;
  };
  const items: Scanned[] = [];
  for (;;) {
    let ch = read();
    while (WHITESPACE.has(ch)) ch = read();
    if (ch === END) {
      items.push({ token: 'end', literal: '' });
      return items;
    }
    unread();
    items.push(SYMBOLS.has(ch) ? scanSymbol(read, unread) : scanWord(read, unread));
  }
};

const scanSymbol = (read: () => string, unread: () => void): Scanned => {
  let buffer = '';
  let last: Scanned | undefined;
  for (;;) {
    const ch = read();
    if (ch === END) break;
    if (!SYMBOLS.has(ch)) {
      unread();
      break;
    }
    buffer += ch;
    if (SYMBOL_TOKENS.has(buffer)) last = { token: buffer as Token, literal: buffer };
    else if (last !== undefined) {
      unread();
      break;
    }
  }
  return last ?? { token: 'error', literal: buffer };
};

const scanWord = (read: () => string, unread: () => void): Scanned => {
  let buffer = '';
  for (;;) {
    const ch = read();
    if (ch === END) break;
    if (SYMBOLS.has(ch) || WHITESPACE.has(ch)) {
      unread();
      break;
    }
    buffer += ch;
  }
  if (buffer === 'in' || buffer === 'notin') return { token: buffer, literal: buffer };
  return { token: 'identifier', literal: buffer };
};

class SelectorSyntaxError {
  constructor(readonly message: string) {}
}

/** Reads tokens; in the `values` context the keywords `in`/`notin` are plain identifiers. */
class Parser {
  private position = 0;
  constructor(private readonly items: readonly Scanned[]) {}

  lookahead(values: boolean): Scanned {
    return this.contextual(this.items[Math.min(this.position, this.items.length - 1)]!, values);
  }

  consume(values: boolean): Scanned {
    const item = this.lookahead(values);
    this.position++;
    return item;
  }

  private contextual(item: Scanned, values: boolean): Scanned {
    return values && (item.token === 'in' || item.token === 'notin')
      ? { token: 'identifier', literal: item.literal }
      : item;
  }
}

const fail = (message: string): never => {
  throw new SelectorSyntaxError(message);
};

const OPERATORS: Partial<Record<Token, LabelOperator>> = {
  in: 'In',
  notin: 'NotIn',
  '=': 'Equals',
  '==': 'DoubleEquals',
  '!=': 'NotEquals',
  '>': 'GreaterThan',
  '<': 'LessThan',
};

const parseRequirement = (p: Parser): LabelRequirement => {
  let item = p.consume(true);
  let operator: LabelOperator | undefined;
  if (item.token === '!') {
    operator = 'DoesNotExist';
    item = p.consume(true);
  }
  if (item.token !== 'identifier') fail(`found '${item.literal}', expected: identifier`);
  const key = item.literal;
  const next = p.lookahead(true).token;
  if (operator === undefined && (next === 'end' || next === ',')) operator = 'Exists';
  let values: string[] = [];
  if (operator === undefined) {
    const op = p.consume(false);
    operator = OPERATORS[op.token];
    if (operator === undefined) {
      fail(`found '${op.literal}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    values = operator === 'In' || operator === 'NotIn' ? parseValueSet(p) : parseExactValue(p);
  }
  const result = labelRequirement(key, operator!, values);
  if (!result.ok) fail(result.problems.map((problem) => problem.message).join('; '));
  return (result as { value: LabelRequirement }).value;
};

const parseValueSet = (p: Parser): string[] => {
  const open = p.consume(true);
  if (open.token !== '(') fail(`found '${open.literal}' expected: '('`);
  const first = p.lookahead(true);
  if (first.token === ')') {
    p.consume(true);
    return [''];
  }
  if (first.token !== 'identifier' && first.token !== ',') {
    fail(`found '${first.literal}', expected: ',', ')' or identifier`);
  }
  const values = parseValueList(p);
  const close = p.consume(true);
  if (close.token !== ')') fail(`found '${close.literal}', expected: ')'`);
  return values;
};

// `(,x)`, `(x,)` and `(x,,y)` all contain the empty value, as in Kubernetes.
const parseValueList = (p: Parser): string[] => {
  const values: string[] = [];
  for (;;) {
    const item = p.consume(true);
    if (item.token === 'identifier') {
      values.push(item.literal);
      const next = p.lookahead(true);
      if (next.token === ')') return values;
      if (next.token !== ',') fail(`found '${next.literal}', expected: ',' or ')'`);
    } else if (item.token === ',') {
      if (values.length === 0) values.push('');
      const next = p.lookahead(true).token;
      if (next === ')') {
        values.push('');
        return values;
      }
      if (next === ',') {
        p.consume(true);
        values.push('');
      }
    } else {
      fail(`found '${item.literal}', expected: ',', or identifier`);
    }
  }
};

const parseExactValue = (p: Parser): string[] => {
  const next = p.lookahead(true).token;
  if (next === 'end' || next === ',') return [''];
  const item = p.consume(true);
  if (item.token !== 'identifier') fail(`found '${item.literal}', expected: identifier`);
  return [item.literal];
};

const parseRequirements = (p: Parser): LabelRequirement[] => {
  const requirements: LabelRequirement[] = [];
  for (;;) {
    const start = p.lookahead(true);
    if (start.token === 'end') return requirements;
    if (start.token !== 'identifier' && start.token !== '!') {
      fail(`found '${start.literal}', expected: !, identifier, or 'end of string'`);
    }
    try {
      requirements.push(parseRequirement(p));
    } catch (error) {
      if (error instanceof SelectorSyntaxError) {
        fail(`unable to parse requirement: ${error.message}`);
      }
      throw error;
    }
    const after = p.consume(true);
    if (after.token === 'end') return requirements;
    if (after.token !== ',') fail(`found '${after.literal}', expected: ',' or 'end of string'`);
    const next = p.lookahead(true);
    if (next.token !== 'identifier' && next.token !== '!') {
      fail(`found '${next.literal}', expected: identifier after ','`);
    }
  }
};

/**
 * Parses the string form used in `labelSelector=` queries (`a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`) exactly as Kubernetes' `labels.Parse`
 * does: same tokens, same whitespace rules, same validation, requirements sorted by key.
 * The empty string is the selector that matches everything.
 */
export const parseLabelSelector = (input: string): ParseResult<LabelSelector> => {
  try {
    return success(selectorOf(parseRequirements(new Parser(scan(input)))));
  } catch (error) {
    if (error instanceof SelectorSyntaxError) {
      return failure([{ path: 'labelSelector', message: error.message }]);
    }
    throw error;
  }
};

const SYMBOL_OF: Record<LabelOperator, string> = {
  Equals: '=',
  DoubleEquals: '==',
  NotEquals: '!=',
  In: ' in ',
  NotIn: ' notin ',
  GreaterThan: '>',
  LessThan: '<',
  Exists: '',
  DoesNotExist: '',
};

const formatRequirement = ({ key, operator, values }: LabelRequirement): string => {
  if (operator === 'Exists') return key;
  if (operator === 'DoesNotExist') return `!${key}`;
  const joined = values.join(',');
  const value = operator === 'In' || operator === 'NotIn' ? `(${joined})` : joined;
  return `${key}${SYMBOL_OF[operator]}${value}`;
};

/** The string the "nothing" selector is written as: no object can both have and lack a label. */
export const NOTHING_SELECTOR_STRING = 'ctrlmesh.io/nothing,!ctrlmesh.io/nothing';

/**
 * Formats a selector as Kubernetes' `Selector.String()` does (requirements joined by `,`, values
 * sorted). The "nothing" selector has no string form in Kubernetes; it is written as the
 * contradiction {@link NOTHING_SELECTOR_STRING}, which the apiserver accepts and which matches
 * no object.
 */
export const formatLabelSelector = (selector: LabelSelector): string =>
  selector.kind === 'nothing'
    ? NOTHING_SELECTOR_STRING
    : selector.requirements.map(formatRequirement).join(',');
