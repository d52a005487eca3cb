// `u` makes `i` compare by Unicode simple case folding, as Go's strings.EqualFold does: the long
// s (`ſ`) folds to `s`, so `falſe` is false for the apiserver and must be for us.
const FALSE = /^false$/iu;

/**
 * A bool query parameter (`watch`, `allowWatchBookmarks`, `sendInitialEvents`, `follow`) as the
 * apiserver converts its first value (`runtime.Convert_Slice_string_To_bool`): absent is false;
 * `0` and `false` in any case are false; anything else, the empty value of `watch=` or a bare
 * `watch` included, is true. Not `strconv.ParseBool`: `watch=yes` is a watch.
 */
export const queryBool = (value: string | undefined): boolean =>
  value !== undefined && value !== '0' && !FALSE.test(value);
