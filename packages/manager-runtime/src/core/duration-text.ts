/**
 * A duration as people read it in status messages: `850ms`, `30s`, `2m5s`, `1h0m3s` (whole
 * seconds from one second up, as Go's `time.Duration` prints them, rounded down).
 */
export const durationText = (ms: number): string => {
  if (ms < 1000) return `${Math.max(0, Math.floor(ms))}ms`;
  const total = Math.floor(ms / 1000);
  const [hours, minutes, seconds] = [
    Math.floor(total / 3600),
    Math.floor(total / 60) % 60,
    total % 60,
  ];
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
};
