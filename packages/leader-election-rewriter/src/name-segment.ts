/**
 * The name segment of a resource path. The original replaced the lock name everywhere in the path
 * (issue #2: `/api/v1/namespaces/cafeextcontroller/configmaps/cafeextcontroller` lost its
 * namespace too) and later its last occurrence, which can sit inside an already suffixed name.
 * Here only the last segment is touched, and only when it decodes to exactly the lock name.
 */

const decodeSegment = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/**
 * `url` with `suffix` appended to its last non-empty path segment when that segment is exactly
 * `name` (after percent-decoding), else `undefined`. Trailing slashes are skipped as Kubernetes'
 * request info trims them, so `/configmaps/lock/` names `lock` too. The original spelling of the
 * segment, the rest of the path and the query keep their bytes.
 */
export const appendToNameSegment = (
  url: string,
  name: string,
  suffix: string,
): string | undefined => {
  const queryStart = url.indexOf('?');
  const pathEnd = queryStart === -1 ? url.length : queryStart;
  let segmentEnd = pathEnd;
  while (segmentEnd > 0 && url[segmentEnd - 1] === '/') segmentEnd -= 1;
  const segmentStart = url.lastIndexOf('/', segmentEnd - 1) + 1;
  if (decodeSegment(url.slice(segmentStart, segmentEnd)) !== name) return undefined;
  return `${url.slice(0, segmentEnd)}${encodeURIComponent(suffix)}${url.slice(segmentEnd)}`;
};
