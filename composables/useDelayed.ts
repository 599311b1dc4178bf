import { onScopeDispose, shallowRef, watch, type Ref } from 'vue'

/**
 * `source`, `delayMs()` later: what a viewer a few seconds behind the live moment (HLS) should
 * see of the room's live state, so a pin appears with the moment of the video it belongs to. With
 * no delay it follows at once.
 */
export function useDelayed<T>(source: () => T, delayMs: () => number): Readonly<Ref<T>> {
  const delayed = shallowRef(source())
  const timers = new Set<ReturnType<typeof setTimeout>>()
  watch(source, (value) => {
    const ms = delayMs()
    if (ms <= 0) {
      delayed.value = value
      return
    }
    const timer = setTimeout(() => {
      timers.delete(timer)
      delayed.value = value
    }, ms)
    timers.add(timer)
  })
  onScopeDispose(() => timers.forEach(clearTimeout))
  return delayed
}
