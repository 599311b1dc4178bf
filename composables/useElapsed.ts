import { computed, getCurrentScope, onScopeDispose, ref, toValue, type MaybeRefOrGetter } from 'vue'

/** Seconds since `since` (an ISO time), ticking every second; 0 until there is a time. */
export function useElapsed(since: MaybeRefOrGetter<string | undefined | null>) {
  const now = ref(Date.now())
  const timer = setInterval(() => (now.value = Date.now()), 1000)
  if (getCurrentScope()) onScopeDispose(() => clearInterval(timer))
  return computed(() => {
    const start = toValue(since)
    return start ? Math.max(0, (now.value - Date.parse(start)) / 1000) : 0
  })
}
