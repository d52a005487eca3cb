import fc from 'fast-check';
import type {
  LabelRequirement,
  LabelSelector,
  Labels,
  StructuredLabelSelector,
} from '../label-selector.js';
import { selectorOf } from '../label-selector.js';
import { LABEL_KEYS, LABEL_VALUES } from './vocabulary.js';

/** Label sets over the shared vocabulary. */
export const arbLabels = (): fc.Arbitrary<Labels> =>
  fc.dictionary(fc.constantFrom(...LABEL_KEYS), fc.constantFrom(...LABEL_VALUES), { maxKeys: 3 });

const values = (min: number, max: number) =>
  fc.uniqueArray(fc.constantFrom(...LABEL_VALUES), { minLength: min, maxLength: max });

/** Valid structured selectors (`matchLabels`, `matchExpressions`), including `{}`. */
export const arbStructuredSelector = (): fc.Arbitrary<StructuredLabelSelector> =>
  fc.record(
    {
      matchLabels: fc.dictionary(fc.constantFrom(...LABEL_KEYS), fc.constantFrom(...LABEL_VALUES), {
        minKeys: 1,
        maxKeys: 2,
      }),
      matchExpressions: fc.array(
        fc.oneof(
          fc.record({
            key: fc.constantFrom(...LABEL_KEYS),
            operator: fc.constantFrom('In' as const, 'NotIn' as const),
            values: values(1, 3),
          }),
          fc.record({
            key: fc.constantFrom(...LABEL_KEYS),
            operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
          }),
        ),
        { minLength: 1, maxLength: 2 },
      ),
    },
    { requiredKeys: [] },
  );

const integerValue = fc.integer({ min: 0, max: 20 }).map(String);

/** Valid label requirements with every operator of the string form. */
export const arbLabelRequirement = (): fc.Arbitrary<LabelRequirement> =>
  fc.oneof(
    fc.record({
      key: fc.constantFrom(...LABEL_KEYS),
      operator: fc.constantFrom('Equals' as const, 'DoubleEquals' as const, 'NotEquals' as const),
      values: values(1, 1),
    }),
    fc.record({
      key: fc.constantFrom(...LABEL_KEYS),
      operator: fc.constantFrom('In' as const, 'NotIn' as const),
      values: values(1, 3).map((v) => [...v].sort()),
    }),
    fc.record({
      key: fc.constantFrom(...LABEL_KEYS),
      operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
      values: fc.constant([]),
    }),
    fc.record({
      key: fc.constantFrom(...LABEL_KEYS),
      operator: fc.constantFrom('GreaterThan' as const, 'LessThan' as const),
      values: integerValue.map((v) => [v]),
    }),
  );

/** Valid selectors in normal form (requirements sorted by key), as `parseLabelSelector` returns. */
export const arbLabelSelector = (): fc.Arbitrary<LabelSelector> =>
  fc.array(arbLabelRequirement(), { maxLength: 4 }).map(selectorOf);

/** Label sets that include integer values, so that `>` and `<` get exercised too. */
export const arbLabelsWithIntegers = (): fc.Arbitrary<Labels> =>
  fc.dictionary(
    fc.constantFrom(...LABEL_KEYS),
    fc.oneof(fc.constantFrom(...LABEL_VALUES), integerValue),
    { maxKeys: 4 },
  );
