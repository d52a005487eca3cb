// apimachinery's IsLabelValue: an optional run of alphanumerics, '-', '_' and '.' that starts and
// ends with an alphanumeric. The empty string is a label value too; the config treats an empty
// variable as unset before it asks.
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const LABEL_VALUE_MAX_LENGTH = 63;

/** What a label value may be, in the words both sample controllers use in their messages. */
export const LABEL_VALUE_RULE =
  "at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";

/** Whether the apiserver would accept `value` as a label value. */
export function isLabelValue(value: string): boolean {
  return value.length <= LABEL_VALUE_MAX_LENGTH && LABEL_VALUE.test(value);
}
