// metav1.Time as the kubelet writes it: RFC 3339 UTC, whole seconds. Pure.
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
